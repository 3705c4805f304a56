import { describe, expect, it } from 'vitest';
import {
  ApprovalLinkError,
  approvalNonce,
  approvalUrl,
  signApproval,
  verifyApproval,
} from '../../functions/core/approval/link.ts';

const KEY = 'k'.repeat(32);
const NOW = Date.parse('2026-11-27T12:00:00Z');
const nonce = approvalNonce('task-token-1');
const link = (decision: 'approve' | 'reject' = 'approve', expires = NOW / 1000 + 3600) =>
  signApproval(KEY, { incident: 'inc-20261127-1200-abc', decision, expires, nonce });

function reasonOf(work: () => void): string | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    if (error instanceof ApprovalLinkError) return error.reason;
    throw error;
  }
}

describe('signed approval links', () => {
  it('accepts a link signed for the pending request, before it expires', () => {
    expect(reasonOf(() => verifyApproval(KEY, link(), NOW, nonce))).toBeUndefined();
    const url = new URL(approvalUrl('https://abc.lambda-url.eu-west-1.on.aws/', link('reject')));
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      incident: 'inc-20261127-1200-abc',
      decision: 'reject',
    });
  });

  it('refuses a tampered link: another decision, incident, expiry or signature, or another key', () => {
    const good = link('reject');
    expect(reasonOf(() => verifyApproval(KEY, { ...good, decision: 'approve' }, NOW, nonce))).toBe(
      'bad_signature',
    );
    expect(reasonOf(() => verifyApproval(KEY, { ...good, incident: 'inc-other' }, NOW, nonce))).toBe(
      'bad_signature',
    );
    expect(reasonOf(() => verifyApproval(KEY, { ...good, expires: good.expires + 86_400 }, NOW, nonce))).toBe(
      'bad_signature',
    );
    expect(
      reasonOf(() => verifyApproval(KEY, { ...good, sig: `${good.sig.slice(0, -1)}A` }, NOW, nonce)),
    ).toBe('bad_signature');
    expect(reasonOf(() => verifyApproval('x'.repeat(32), good, NOW, nonce))).toBe('bad_signature');
  });

  it('refuses an expired link, and one signed for an earlier request or an answered one (replay)', () => {
    expect(reasonOf(() => verifyApproval(KEY, link('approve', NOW / 1000 - 1), NOW, nonce))).toBe('expired');
    expect(reasonOf(() => verifyApproval(KEY, link(), NOW, approvalNonce('task-token-2')))).toBe(
      'bad_signature',
    );
    expect(reasonOf(() => verifyApproval(KEY, link(), NOW, undefined))).toBe('not_pending');
  });

  it('refuses to sign with a short key', () => {
    expect(() => signApproval('short', { incident: 'i', decision: 'approve', expires: 1, nonce })).toThrow(
      ApprovalLinkError,
    );
  });
});
