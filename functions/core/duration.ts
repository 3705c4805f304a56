import * as z from 'zod';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** At most 6 digits: "99999999999999999999d" is not a duration, it is a way to hang a loop. */
const DURATION = /^(\d{1,6})(s|m|h|d)$/;
/** No policy span is longer than a year; evaluation walks windows minute by minute. */
export const MAX_DURATION_MS = 366 * UNIT_MS.d;

export class DurationError extends Error {
  override readonly name = 'DurationError';
}

/** Parses "30s", "10m", "24h", "7d" into milliseconds; throws on anything else or beyond 366 days. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new DurationError(`"${text}" is not a duration such as 30s, 10m, 24h or 7d`);
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (!Number.isFinite(ms) || ms > MAX_DURATION_MS) {
    throw new DurationError(`"${text}" is longer than ${formatDuration(MAX_DURATION_MS)}`);
  }
  return ms;
}

/** The shortest exact spelling of a duration: 86400000 → "24h" is kept as hours below 2 days. */
export function formatDuration(ms: number): string {
  if (ms % UNIT_MS.d === 0 && ms >= 2 * UNIT_MS.d) return `${ms / UNIT_MS.d}d`;
  if (ms % UNIT_MS.h === 0) return `${ms / UNIT_MS.h}h`;
  if (ms % UNIT_MS.m === 0) return `${ms / UNIT_MS.m}m`;
  return `${Math.round(ms / UNIT_MS.s)}s`;
}

function tryParse(text: string): number | undefined {
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

/**
 * A zod field for a duration written as text, e.g. `window: "24h"`, between `min` and `max`
 * (both inclusive, written as durations); the error names the bound.
 */
export function durationBetween(min: string, max: string = formatDuration(MAX_DURATION_MS)) {
  const minMs = parseDuration(min);
  const maxMs = parseDuration(max);
  return z.string('must be a duration such as 30s, 10m, 24h or 7d').superRefine((text, context) => {
    const ms = tryParse(text);
    if (ms === undefined && !DURATION.test(text.trim())) {
      context.addIssue({ code: 'custom', message: 'must be a duration such as 30s, 10m, 24h or 7d' });
    } else if (ms === undefined || ms > maxMs) {
      context.addIssue({ code: 'custom', message: `must be at most ${max}` });
    } else if (ms < minMs) {
      context.addIssue({ code: 'custom', message: `must be at least ${min}` });
    }
  });
}

/** Any duration from 0s up to the 366-day cap. */
export const durationSchema = durationBetween('0s');
