import { describe, expect, it } from 'vitest';
import { keyId, parseSigningKeys, SigningKeyError } from '../../functions/core/approval/keys.ts';
import {
  ApprovalLinkError,
  approvalNonce,
  approvalUrl,
  signApproval,
  verifyApproval,
} from '../../functions/core/approval/link.ts';
import { classifyResumeError } from '../../functions/core/approval/resume.ts';

const KEY = 'k'.repeat(32);
const OLD = 'o'.repeat(32);
const keys = parseSigningKeys(KEY);
const NOW = Date.parse('2026-11-27T12:00:00Z');
const nonce = approvalNonce('task-token-1');
const link = (decision: 'approve' | 'reject' = 'approve', expires = NOW / 1000 + 3600, key = keys.current) =>
  signApproval(key, { incident: 'inc-20261127-1200-abc', decision, expires, nonce });

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
  it('accepts a link signed for the request, before it expires; the link carries every signed field', () => {
    expect(reasonOf(() => verifyApproval(keys, link(), NOW))).toBeUndefined();
    const url = new URL(approvalUrl('https://abc.lambda-url.eu-west-1.on.aws/', link('reject')));
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      incident: 'inc-20261127-1200-abc',
      decision: 'reject',
      nonce,
      kid: keyId(KEY),
    });
  });

  it('refuses a tampered link: another decision, incident, expiry, nonce, kid or signature, or another key', () => {
    const good = link('reject');
    for (const tampered of [
      { ...good, decision: 'approve' as const },
      { ...good, incident: 'inc-other' },
      { ...good, expires: good.expires + 86_400 },
      { ...good, nonce: approvalNonce('task-token-2') },
      { ...good, kid: keyId(OLD) },
      { ...good, sig: `${good.sig.slice(0, -1)}A` },
    ]) {
      expect(reasonOf(() => verifyApproval(keys, tampered, NOW))).toBe('bad_signature');
    }
    expect(reasonOf(() => verifyApproval(parseSigningKeys('x'.repeat(32)), good, NOW))).toBe('bad_signature');
  });

  it('refuses an expired link, but only once its signature is good', () => {
    expect(reasonOf(() => verifyApproval(keys, link('approve', NOW / 1000 - 1), NOW))).toBe('expired');
    expect(
      reasonOf(() => verifyApproval(keys, { ...link('approve', NOW / 1000 - 1), sig: 'A'.repeat(43) }, NOW)),
    ).toBe('bad_signature');
  });

  it('rotation: the current key signs, the previous one still verifies, a dropped or unknown kid is refused', () => {
    const rotating = parseSigningKeys(JSON.stringify({ current: KEY, previous: OLD }));
    expect(rotating.current.kid).toBe(keyId(KEY));
    const old = link('approve', NOW / 1000 + 3600, parseSigningKeys(OLD).current);
    expect(reasonOf(() => verifyApproval(rotating, old, NOW))).toBeUndefined();
    expect(reasonOf(() => verifyApproval(keys, old, NOW))).toBe('bad_signature');
    expect(reasonOf(() => verifyApproval(rotating, { ...old, kid: 'k-unknown' }, NOW))).toBe('bad_signature');
  });

  it('refuses a short key or a malformed rotation document', () => {
    expect(() => parseSigningKeys('short')).toThrow(SigningKeyError);
    expect(() => parseSigningKeys('{"current": "short"}')).toThrow(SigningKeyError);
    expect(() => parseSigningKeys(`{"previous": "${OLD}"}`)).toThrow(SigningKeyError);
    expect(() => parseSigningKeys('{not json')).toThrow(SigningKeyError);
  });
});

describe('resume errors', () => {
  const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name }, extra);
  it('tells a gone execution, a passing hiccup and a verdict apart', () => {
    expect(classifyResumeError(named('TaskTimedOut'))).toBe('gone');
    expect(classifyResumeError(named('TaskDoesNotExist'))).toBe('gone');
    expect(classifyResumeError(named('ThrottlingException'))).toBe('transient');
    expect(classifyResumeError(named('Whatever', { $metadata: { httpStatusCode: 503 } }))).toBe('transient');
    expect(classifyResumeError(named('Error', { code: 'ECONNRESET' }))).toBe('transient');
    expect(classifyResumeError(named('InvalidToken', { $metadata: { httpStatusCode: 400 } }))).toBe('failed');
    expect(classifyResumeError(named('AccessDeniedException'))).toBe('failed');
  });
});
