/**
 * Git commit trailers (`Key: value` lines in the last paragraph of a message). Both adapters
 * use these to find an incident's rollback commit, so "already done" means the same thing
 * on GitHub and on a local repository.
 */

export const INCIDENT_TRAILER = 'Rollback-Incident';
export const TRIGGER_TRAILER = 'Rollback-Trigger';

const TRAILER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/;

/** Trailers of a commit message, in order; empty when the last paragraph is not a trailer block. */
export function parseTrailers(message: string): Array<{ key: string; value: string }> {
  const paragraphs = message
    .replace(/\r\n/g, '\n')
    .trimEnd()
    .split(/\n[ \t]*\n/);
  // A one-paragraph message is only a subject: a subject like "fix: x" is not a trailer.
  if (paragraphs.length < 2) return [];
  const lines = (paragraphs[paragraphs.length - 1] ?? '').split('\n');
  const trailers: Array<{ key: string; value: string }> = [];
  for (const line of lines) {
    const previous = trailers[trailers.length - 1];
    if (/^[ \t]/.test(line) && previous !== undefined) {
      previous.value = `${previous.value} ${line.trim()}`; // folded continuation line
      continue;
    }
    const match = TRAILER_LINE.exec(line);
    if (!match) return [];
    trailers.push({ key: match[1] ?? '', value: (match[2] ?? '').trim() });
  }
  return trailers;
}

/** Keys compare case-insensitively (as git does); values exactly, so `inc-1` never matches `inc-10`. */
export function hasTrailer(message: string, key: string, value: string): boolean {
  const wanted = key.toLowerCase();
  return parseTrailers(message).some(
    (trailer) => trailer.key.toLowerCase() === wanted && trailer.value === value,
  );
}

/** Trailer values must stay on one line and not smuggle in another trailer. */
export function trailerValue(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
