import { createHash } from 'node:crypto';
import { SentinelError } from '../errors.ts';

/** One HMAC key and the id links name it by. */
export interface SigningKey {
  kid: string;
  key: string;
}

/** The key that signs new links, and the one it replaced, still good for verifying old links. */
export interface SigningKeys {
  current: SigningKey;
  previous?: SigningKey;
}

/** The signing secret is unusable (too short, or JSON of the wrong shape). */
export class SigningKeyError extends SentinelError {
  override readonly name = 'SigningKeyError';
}

const MIN_KEY_LENGTH = 16;

/**
 * A key's id is derived from the key, so the secret needs no bookkeeping: the id changes exactly
 * when the key does. A digest of a 64-character random key tells nothing about the key.
 */
export function keyId(key: string): string {
  return `k${createHash('sha256').update(`sentinel-approval-kid\n${key}`).digest('base64url').slice(0, 10)}`;
}

function signingKey(key: unknown, field: string): SigningKey {
  if (typeof key !== 'string' || key.length < MIN_KEY_LENGTH)
    throw new SigningKeyError(
      `the approval signing key ${field} is missing or shorter than ${MIN_KEY_LENGTH}`,
    );
  return { kid: keyId(key), key };
}

/**
 * Reads the signing secret. Two forms:
 * - a plain key (what the stack generates): it signs and verifies;
 * - during a rotation, JSON `{"current": "<new key>", "previous": "<old key>"}`: the current key
 *   signs, both verify, so links mailed before the rotation keep working until they expire
 *   (at most the approval timeout). Drop `previous` (back to a plain key) after that.
 */
export function parseSigningKeys(secret: string): SigningKeys {
  const text = secret.trim();
  if (!text.startsWith('{')) return { current: signingKey(text, '') };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SigningKeyError('the approval signing secret looks like JSON but does not parse');
  }
  const { current, previous } = (parsed ?? {}) as { current?: unknown; previous?: unknown };
  return {
    current: signingKey(current, '"current"'),
    ...(previous === undefined ? {} : { previous: signingKey(previous, '"previous"') }),
  };
}

/** The key a link names, if it is one of ours. */
export function keyFor(keys: SigningKeys, kid: string): SigningKey | undefined {
  return [keys.current, keys.previous].find((candidate) => candidate?.kid === kid);
}
