import { type CounterField, latencyCount, type MinuteBucket } from '../buckets.ts';

/** Sum of one counter over buckets (counters are integers, so the sum is order-independent). */
export function sumCounter(buckets: readonly MinuteBucket[], field: CounterField): number {
  let total = 0;
  for (const bucket of buckets) total += bucket[field];
  return total;
}

export function sumLatencySamples(buckets: readonly MinuteBucket[]): number {
  let total = 0;
  for (const bucket of buckets) total += latencyCount(bucket);
  return total;
}
