import { MINUTE_MS, type MinuteBucket } from '../buckets.ts';

/**
 * Buckets that overlap the window `(at − window, at]`: a bucket `[m, m + 60 s)` counts when
 * `m + 60 s > at − window` and `m ≤ at`. Newest first.
 */
export function bucketsInWindow(
  buckets: readonly MinuteBucket[],
  at: number,
  windowMs: number,
): MinuteBucket[] {
  return buckets
    .filter((bucket) => bucket.minute + MINUTE_MS > at - windowMs && bucket.minute <= at)
    .sort((a, b) => b.minute - a.minute);
}
