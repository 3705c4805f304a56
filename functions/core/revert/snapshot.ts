/** File contents of one commit, as far as the revert read them. */
export interface Snapshot {
  sha: string;
  /** path → bytes, or `null` when the file does not exist at that commit. */
  files: ReadonlyMap<string, Uint8Array | null>;
}

export function fileAt(snapshot: Snapshot, path: string): Uint8Array | null {
  const content = snapshot.files.get(path);
  // A path the caller forgot to read must not look like a deleted file.
  if (content === undefined) throw new Error(`internal: ${path} was not read at ${snapshot.sha}`);
  return content;
}

export function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Text of a file; throws on bytes that are not UTF-8 (a version file never is binary). */
export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}
