import { z } from 'zod';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+)(s|m|h|d)$/;

/** Parses "30s", "10m", "24h", "7d" into milliseconds; throws on anything else. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration such as 30s, 10m, 24h or 7d`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** The shortest exact spelling of a duration: 86400000 → "24h" is kept as hours below 2 days. */
export function formatDuration(ms: number): string {
  if (ms % UNIT_MS.d === 0 && ms >= 2 * UNIT_MS.d) return `${ms / UNIT_MS.d}d`;
  if (ms % UNIT_MS.h === 0) return `${ms / UNIT_MS.h}h`;
  if (ms % UNIT_MS.m === 0) return `${ms / UNIT_MS.m}m`;
  return `${Math.round(ms / UNIT_MS.s)}s`;
}

/** A zod field for a duration written as text, e.g. `window: "24h"`. */
export const durationSchema = z
  .string()
  .refine((text) => DURATION.test(text.trim()), 'must be a duration such as 30s, 10m, 24h or 7d');
