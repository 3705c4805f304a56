import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SentinelError } from '../errors.ts';
import { keyFor, type SigningKey, type SigningKeys } from './keys.ts';

export type ApprovalDecision = 'approve' | 'reject';

/**
 * The fields of an approval link (`?incident=…&decision=…&expires=…&nonce=…&kid=…&sig=…`). Every
 * field the signature covers is in the link, so a link is checked before anything is read: a
 * forged one learns nothing about the incident it names.
 */
export interface ApprovalLinkParams {
  incident: string;
  decision: ApprovalDecision;
  /** Epoch seconds after which the link is refused. */
  expires: number;
  /** Names the approval request (approvalNonce of its task token), also kept in the record. */
  nonce: string;
  /** Which signing key signed it (keys.ts), so a key rotation leaves outstanding links valid. */
  kid: string;
  sig: string;
}

/** The link is forged, altered, signed by a key we no longer hold, or expired. */
export class ApprovalLinkError extends SentinelError {
  override readonly name = 'ApprovalLinkError';
  constructor(
    message: string,
    readonly reason: 'bad_signature' | 'expired',
  ) {
    super(message);
  }
}

/**
 * Names one approval request: a digest of the task token it parked. Unguessable without the token,
 * different for the reminder (a fresh token), and the same when a retried step parks the same
 * token again — so it needs no randomness in core and reveals nothing of the token itself.
 */
export function approvalNonce(taskToken: string): string {
  return createHash('sha256').update(taskToken).digest('hex').slice(0, 32);
}

type SignedFields = Omit<ApprovalLinkParams, 'sig'>;

function signature(key: string, fields: SignedFields): string {
  const { incident, decision, expires, nonce, kid } = fields;
  return createHmac('sha256', key)
    .update(['sentinel-approval-v2', incident, decision, String(expires), nonce, kid].join('\n'))
    .digest('base64url');
}

/** Signs one decision of one approval request with the current key. */
export function signApproval(
  key: SigningKey,
  fields: { incident: string; decision: ApprovalDecision; expires: number; nonce: string },
): ApprovalLinkParams {
  const signed: SignedFields = { ...fields, kid: key.kid };
  return { ...signed, sig: signature(key.key, signed) };
}

export function approvalUrl(baseUrl: string, params: ApprovalLinkParams): string {
  const url = new URL(baseUrl);
  for (const name of ['incident', 'decision', 'expires', 'nonce', 'kid', 'sig'] as const)
    url.searchParams.set(name, String(params[name]));
  return url.toString();
}

/** Every refused signature gets this one message, whatever the cause: no hint for a forger. */
export const BAD_LINK_MESSAGE = 'This approval link is not valid.';

/**
 * Checks a link against the keys and the clock, from the link alone (no record is read). Signature
 * first, in constant time; an unknown key id fails the same way as a wrong signature.
 */
export function verifyApproval(keys: SigningKeys, params: ApprovalLinkParams, nowMs: number): void {
  const key = keyFor(keys, params.kid);
  const given = Buffer.from(params.sig);
  const expected = Buffer.from(signature((key ?? keys.current).key, params));
  const valid = key !== undefined && expected.length === given.length && timingSafeEqual(expected, given);
  if (!valid) throw new ApprovalLinkError(BAD_LINK_MESSAGE, 'bad_signature');
  if (nowMs > params.expires * 1000) {
    throw new ApprovalLinkError(
      `the approval link expired at ${new Date(params.expires * 1000).toISOString()}`,
      'expired',
    );
  }
}
