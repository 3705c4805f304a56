import type { MetricDatum } from '../ports.ts';
import type { BatchAggregate } from './aggregate.ts';
import { latencyCount } from './buckets.ts';
import { quantile } from './histogram.ts';
import { versionKey } from './version.ts';

/** Contract with the alarms and dashboard in lib/triggers.ts (namespace RollbackSentinel). */
export const INGEST_METRIC_NAMES = {
  otpInCritical: 'OtpInCritical',
  latencyP95: 'ClassificationLatencyP95',
} as const;

/**
 * The custom metrics one ingested batch publishes, for exactly the buckets it wrote (a retried
 * batch lists none twice, so nothing counts twice). Live traffic only: shadow series are not
 * deployments. Each datum comes twice: without dimensions (the alarms watch the whole service)
 * and with `Version` (the dashboard's per-version lines).
 *
 * - `OtpInCritical` (Count): the bucket's OTP-in-critical count; the alarm sums per minute.
 * - `ClassificationLatencyP95` (Milliseconds): the p95 of the batch's share of the minute, from
 *   its latency histogram. The alarm takes the Maximum per minute, so a plain value is what it
 *   needs: publishing the histogram as Values/Counts would make Maximum the single slowest call.
 *   Several batches in one minute each publish their own p95; their maximum over-estimates the
 *   minute's p95 only when a small batch is slow, which errs on the side of alarming.
 */
export function ingestMetricData(
  aggregate: BatchAggregate,
  writtenBuckets: readonly { series: string; minute: number }[],
): MetricDatum[] {
  const data: MetricDatum[] = [];
  for (const { series: key, minute } of writtenBuckets) {
    const series = aggregate.series.get(key);
    const bucket = series?.buckets.get(minute);
    if (!series || series.shadow || !bucket || bucket.classified === 0) continue;
    const timestamp = new Date(minute);
    const dimensionsSets = [undefined, { Version: versionKey(series.version) }];
    for (const dimensions of dimensionsSets) {
      const scope = dimensions ? { dimensions } : {};
      data.push({
        name: INGEST_METRIC_NAMES.otpInCritical,
        timestamp,
        unit: 'Count',
        value: bucket.otpCritical,
        ...scope,
      });
      const p95 = latencyCount(bucket) > 0 ? quantile(bucket.latency, 0.95) : undefined;
      if (p95 !== undefined) {
        data.push({
          name: INGEST_METRIC_NAMES.latencyP95,
          timestamp,
          unit: 'Milliseconds',
          value: p95,
          ...scope,
        });
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
