/**
 * How a duration reads for people, in one place: "3 d 23 h 53 min", "2 h", "45 min", "12 s".
 * Used wherever the CLI, the RCA or a report prints how long something took or covers.
 * (Policy durations keep their own spelling, `formatDuration`: "24h" is what the file says.)
 */
const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * Whole minutes, rounded toward zero, as days, hours and minutes with zero parts left out;
 * under a minute, whole seconds (a 40-second detection is not "0 min"). Negative spans get a
 * leading minus, so "−15 min" reads as "earlier".
 */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < MINUTE_MS) return `${sign}${Math.floor(abs / SECOND_MS)} s`;
  const days = Math.floor(abs / DAY_MS);
  const hours = Math.floor((abs % DAY_MS) / HOUR_MS);
  const minutes = Math.floor((abs % HOUR_MS) / MINUTE_MS);
  const parts = [days > 0 && `${days} d`, hours > 0 && `${hours} h`, minutes > 0 && `${minutes} min`];
  return sign + parts.filter(Boolean).join(' ');
}
