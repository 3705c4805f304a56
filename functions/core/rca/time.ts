const MINUTE_MS = 60_000;

/** "2026-11-27 10:04 UTC", the seed template's date format. */
export function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "2026-11-27 10:04:05 UTC". */
export function utcSecond(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "45 min", "2 h", "26 h 5 min": whole minutes, rounded down. */
export function formatElapsed(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / MINUTE_MS);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${minutes} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** "T+0 min", "T+15 min", "T-2 min": whole minutes since `origin`, toward zero. */
export function relativeMinutes(ms: number, origin: number): string {
  const minutes = Math.trunc((ms - origin) / MINUTE_MS);
  return minutes < 0 ? `T${minutes} min` : `T+${minutes} min`;
}
