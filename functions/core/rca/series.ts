import { emptyBucket, MINUTE_MS, type MinuteBucket, mergeBucket, NANO_USD_PER_USD } from '../buckets.ts';
import { quantile } from '../histogram.ts';
import type { Policy } from '../policy.ts';
import { liveQuality } from '../verification/quality.ts';
import { worstClassDrift } from '../verification/short-term.ts';
import type { ChartPoint } from './chart.ts';

export const SERIES_METRICS = [
  'classified',
  'otpCritical',
  'errors',
  'p95',
  'fpPer100',
  'costPerClassificationUsd',
  'livePrecision',
  'liveRecall',
  'maxDriftPp',
] as const;
export type SeriesMetric = (typeof SERIES_METRICS)[number];

export interface SeriesOptions {
  /** Epoch ms; widen the series beyond the buckets (e.g. to the deploy), empty steps included. */
  from?: number;
  to?: number;
  /** Needed by `maxDriftPp`. */
  distribution?: Policy['baseline']['distribution'];
}

/** Refuses series that no chart of 640 px could show, rather than building a huge array. */
const MAX_STEPS = 10_000;

/**
 * One point per `stepMinutes` UTC-aligned step, at the step's start. Buckets of the same step
 * add up — pass two versions' buckets for a service-wide line across the rollback. A step
 * without traffic is 0 for counts and null (a gap) for rates.
 */
export function seriesFromBuckets(
  buckets: readonly MinuteBucket[],
  metric: SeriesMetric,
  stepMinutes: number,
  options: SeriesOptions = {},
): ChartPoint[] {
  if (!Number.isInteger(stepMinutes) || stepMinutes < 1)
    throw new RangeError('stepMinutes must be a whole number ≥ 1');
  const stepMs = stepMinutes * MINUTE_MS;
  const stepOf = (ms: number) => Math.floor(ms / stepMs) * stepMs;
  const steps = new Map<number, MinuteBucket>();
  for (const bucket of buckets) {
    const start = stepOf(bucket.minute);
    let total = steps.get(start);
    if (!total) {
      total = emptyBucket(start);
      steps.set(start, total);
    }
    mergeBucket(total, bucket);
  }
  const starts = [...steps.keys()];
  const from = stepOf(options.from ?? Math.min(...starts));
  const to = stepOf(options.to ?? Math.max(...starts));
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) return [];
  if ((to - from) / stepMs >= MAX_STEPS)
    throw new RangeError(`more than ${MAX_STEPS} steps: use a longer step`);
  const points: ChartPoint[] = [];
  for (let t = from; t <= to; t += stepMs) {
    points.push({ t, value: metricValue(steps.get(t) ?? emptyBucket(t), metric, options) });
  }
  return points;
}

function metricValue(total: MinuteBucket, metric: SeriesMetric, options: SeriesOptions): number | null {
  switch (metric) {
    case 'classified':
    case 'otpCritical':
    case 'errors':
      return total[metric];
    case 'p95':
      return quantile(total.latency, 0.95) ?? null;
    case 'fpPer100':
      return total.classified === 0 ? null : (total.criticalFp * 100) / total.classified;
    case 'costPerClassificationUsd':
      return total.costCount === 0 ? null : total.costNanoUsd / NANO_USD_PER_USD / total.costCount;
    case 'livePrecision':
      return liveQuality(total, 'precision').value;
    case 'liveRecall':
      return liveQuality(total, 'recall').value;
    case 'maxDriftPp': {
      if (!options.distribution) throw new Error('maxDriftPp needs the baseline distribution');
      return total.classified === 0 ? null : Math.abs(worstClassDrift(total, options.distribution).driftPp);
    }
  }
}
