import { formatSpan } from '../span.ts';

const MINUTE_MS = 60_000;

/** "2026-11-27 10:04 UTC", the seed template's date format. */
export function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "2026-11-27 10:04:05 UTC". */
export function utcSecond(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "45 min", "2 h", "1 d 2 h 5 min": the one span formatter, never negative here. */
export function formatElapsed(ms: number): string {
  return formatSpan(Math.max(0, ms));
}

/** "T+0 min", "T+15 min", "T-2 min": whole minutes since `origin`, toward zero. */
export function relativeMinutes(ms: number, origin: number): string {
  const minutes = Math.trunc((ms - origin) / MINUTE_MS);
  return minutes < 0 ? `T${minutes} min` : `T+${minutes} min`;
}
