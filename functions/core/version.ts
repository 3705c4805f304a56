import * as z from 'zod';

/**
 * Version fields become parts of DynamoDB keys (a sort key holds at most 1,024 bytes) and of the
 * CloudWatch `Version` dimension (at most 1,024 characters): 100 characters each keeps an escaped
 * key of all three (≤ 3 bytes per character, separators doubled at worst) well under both.
 */
export const MAX_VERSION_PART_CHARS = 100;

const versionPart = z
  .string('must be a string')
  .min(1, 'must be a non-empty string')
  .max(MAX_VERSION_PART_CHARS, `must be at most ${MAX_VERSION_PART_CHARS} characters`);

/** The deployed classifier's identity: model name, model version and prompt version. */
export const versionSchema = z.strictObject({
  model: versionPart,
  modelVersion: versionPart,
  prompt: versionPart,
});

export type Version = z.infer<typeof versionSchema>;

/*
 * Keys built from versions must never collide, whatever the strings hold. Each part escapes `\`
 * and `|`, and parts are joined with a bare `|`: decoding reads left to right, so the encoding is
 * injective for a given number of parts. Values without `\` or `|` (every real version) encode as
 * the plain join, so keys stored before the escaping was added stay valid.
 */
const SEPARATOR = '|';
const ESCAPE = '\\';

export class KeyFormatError extends Error {
  override readonly name = 'KeyFormatError';
}

/** Every key that names a version, or holds one among other parts, is built here. */
export function encodeKey(parts: readonly string[]): string {
  return parts.map(escapePart).join(SEPARATOR);
}

function escapePart(part: string): string {
  // Almost no part needs escaping; two `includes` cost less than two `replaceAll` passes.
  if (!part.includes(ESCAPE) && !part.includes(SEPARATOR)) return part;
  return part.replaceAll(ESCAPE, ESCAPE + ESCAPE).replaceAll(SEPARATOR, ESCAPE + SEPARATOR);
}

export function decodeKey(key: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < key.length; i++) {
    const char = key[i] as string;
    if (char === ESCAPE) {
      const next = key[i + 1];
      if (next !== ESCAPE && next !== SEPARATOR) throw new KeyFormatError('dangling escape in key');
      current += next;
      i += 1;
    } else if (char === SEPARATOR) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** A stable string key for a version: always exactly three encoded parts. */
export function versionKey(version: Version): string {
  return encodeKey([version.model, version.modelVersion, version.prompt]);
}

/**
 * The shadow series lives in its own namespace: a fourth part in front. A live version key always
 * has exactly three parts, so no model name (not even "shadow") can produce a shadow key.
 */
const SHADOW_NAMESPACE = 'shadow';

/** Live traffic of a version, or a candidate's shadow traffic (never mixed into the live series). */
export function seriesKey(version: Version, shadow = false): string {
  const parts = [version.model, version.modelVersion, version.prompt];
  return encodeKey(shadow ? [SHADOW_NAMESPACE, ...parts] : parts);
}

export function versionFromKey(key: string): Version {
  const parts = decodeKey(key);
  const [model, modelVersion, prompt] = parts;
  if (parts.length !== 3 || model === undefined || modelVersion === undefined || prompt === undefined) {
    throw new KeyFormatError(`not a version key (${parts.length} parts)`);
  }
  return { model, modelVersion, prompt };
}

export function sameVersion(a: Version, b: Version): boolean {
  return a.model === b.model && a.modelVersion === b.modelVersion && a.prompt === b.prompt;
}

/** "gemini-2.0-flash 2.0 / prompt v2" — how people read a version in messages (not a key). */
export function describeVersion(version: Version): string {
  return `${version.model} ${version.modelVersion} / prompt ${version.prompt}`;
}
