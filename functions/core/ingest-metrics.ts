import type { MetricDatum } from '../ports.ts';
import type { BatchAggregate } from './aggregate.ts';
import { type LatencyCut, latencyCount, samplesOver } from './buckets.ts';
import { versionKey } from './version.ts';

/** Contract with the alarms and dashboard in lib/triggers.ts (namespace RollbackSentinel). */
export const INGEST_METRIC_NAMES = {
  otpInCritical: 'OtpInCritical',
  latencySamples: 'ClassificationLatencySamples',
  latencyAboveBreach: 'ClassificationLatencyAboveBreach',
} as const;

/**
 * The custom metrics one ingested batch publishes, for exactly the buckets it wrote (a retried
 * batch lists none twice, so nothing counts twice). Live traffic only: shadow series are not
 * deployments. Each datum comes twice: without dimensions (the alarms watch the whole service)
 * and with `Version` (per-version graphs).
 *
 * - `OtpInCritical` (Count): the bucket's OTP-in-critical count; the alarm sums per minute.
 * - `ClassificationLatencySamples` (Count): the batch's latency samples in the minute.
 * - `ClassificationLatencyAboveBreach` (Count): of those, the samples strictly above the
 *   trigger's `thresholdMs` (`breachCut`), counted exactly at ingest. Counts, not a p95: they
 *   add up across batches and minutes, so the alarm's Sum over any window gives the window's
 *   exact share above — the evaluator's "p95 > T ⟺ more than 5 % above T" — where a histogram
 *   p95 per batch could neither be combined nor decide the boundary.
 */
export function ingestMetricData(
  aggregate: BatchAggregate,
  writtenBuckets: readonly { series: string; minute: number }[],
  breachCut: LatencyCut,
): MetricDatum[] {
  const data: MetricDatum[] = [];
  for (const { series: key, minute } of writtenBuckets) {
    const series = aggregate.series.get(key);
    const bucket = series?.buckets.get(minute);
    if (!series || series.shadow || !bucket || bucket.classified === 0) continue;
    const timestamp = new Date(minute);
    const samples = latencyCount(bucket);
    const dimensionsSets = [undefined, { Version: versionKey(series.version) }];
    for (const dimensions of dimensionsSets) {
      const datum = (name: string, value: number): MetricDatum => ({
        name,
        timestamp,
        unit: 'Count',
        value,
        ...(dimensions ? { dimensions } : {}),
      });
      data.push(datum(INGEST_METRIC_NAMES.otpInCritical, bucket.otpCritical));
      if (samples > 0) {
        data.push(datum(INGEST_METRIC_NAMES.latencySamples, samples));
        data.push(datum(INGEST_METRIC_NAMES.latencyAboveBreach, samplesOver(bucket, breachCut)));
      }
    }
  }
  return data;
}

/**
 * OTP emails classified critical among the buckets this call wrote (live traffic only): the
 * zero-tolerance trigger, which ingest signals at once instead of waiting for an alarm period.
 */
export function otpInCriticalWritten(
  aggregate: BatchAggregate,
  writtenBuckets: readonly { series: string; minute: number }[],
): number {
  let count = 0;
  for (const { series: key, minute } of writtenBuckets) {
    const series = aggregate.series.get(key);
    if (!series || series.shadow) continue;
    count += series.buckets.get(minute)?.otpCritical ?? 0;
  }
  return count;
}
