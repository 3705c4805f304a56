import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SentinelError } from '../errors.ts';

export type ApprovalDecision = 'approve' | 'reject';

/** The fields of an approval link (`?incident=…&decision=…&expires=…&sig=…`). */
export interface ApprovalLinkParams {
  incident: string;
  decision: ApprovalDecision;
  /** Epoch seconds after which the link is refused. */
  expires: number;
  sig: string;
}

/** The link is forged, altered, expired or meant for an earlier approval request. */
export class ApprovalLinkError extends SentinelError {
  override readonly name = 'ApprovalLinkError';
  constructor(
    message: string,
    readonly reason: 'malformed' | 'bad_signature' | 'expired' | 'not_pending',
  ) {
    super(message);
  }
}

/**
 * Binds a link to one approval request: a digest of the task token the request parked. A link
 * signed for an earlier request (or one already answered, whose token is gone) never matches.
 */
export function approvalNonce(taskToken: string): string {
  return createHash('sha256').update(taskToken).digest('hex').slice(0, 32);
}

function signature(
  key: string,
  incident: string,
  decision: ApprovalDecision,
  expires: number,
  nonce: string,
) {
  return createHmac('sha256', key)
    .update(['sentinel-approval-v1', incident, decision, String(expires), nonce].join('\n'))
    .digest('base64url');
}

/** Signs one decision of one approval request; the key comes from Secrets Manager. */
export function signApproval(
  key: string,
  fields: { incident: string; decision: ApprovalDecision; expires: number; nonce: string },
): ApprovalLinkParams {
  if (key.length < 16) throw new ApprovalLinkError('the approval signing key is too short', 'malformed');
  return {
    incident: fields.incident,
    decision: fields.decision,
    expires: fields.expires,
    sig: signature(key, fields.incident, fields.decision, fields.expires, fields.nonce),
  };
}

export function approvalUrl(baseUrl: string, params: ApprovalLinkParams): string {
  const url = new URL(baseUrl);
  url.searchParams.set('incident', params.incident);
  url.searchParams.set('decision', params.decision);
  url.searchParams.set('expires', String(params.expires));
  url.searchParams.set('sig', params.sig);
  return url.toString();
}

/**
 * Checks a link against the key, the clock and the pending request's nonce. Signature first (in
 * constant time), so an attacker learns nothing about expiry or state from a forged link.
 */
export function verifyApproval(
  key: string,
  params: ApprovalLinkParams,
  nowMs: number,
  pendingNonce: string | undefined,
): void {
  const expected = Buffer.from(
    signature(key, params.incident, params.decision, params.expires, pendingNonce ?? ''),
  );
  const given = Buffer.from(params.sig);
  const valid = expected.length === given.length && timingSafeEqual(expected, given);
  if (!valid) {
    throw pendingNonce === undefined
      ? new ApprovalLinkError(`incident ${params.incident} is not waiting for approval`, 'not_pending')
      : new ApprovalLinkError(
          'the approval link is not valid (altered, or for an earlier request)',
          'bad_signature',
        );
  }
  if (nowMs > params.expires * 1000) {
    throw new ApprovalLinkError(
      `the approval link expired at ${new Date(params.expires * 1000).toISOString()}`,
      'expired',
    );
  }
}
