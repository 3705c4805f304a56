import type { MinuteBucket } from '../buckets.ts';

/**
 * Buckets of the window `(at − window, at]`: a bucket `[m, m + 60 s)` counts when
 * `at − window < m ≤ at`, so a 24 h window at a whole minute holds exactly 1,440 buckets and an
 * event stamped exactly `at − window` is outside while one stamped `at` is inside. Newest first.
 */
export function bucketsInWindow(
  buckets: readonly MinuteBucket[],
  at: number,
  windowMs: number,
): MinuteBucket[] {
  return buckets
    .filter((bucket) => bucket.minute > at - windowMs && bucket.minute <= at)
    .sort((a, b) => b.minute - a.minute);
}
