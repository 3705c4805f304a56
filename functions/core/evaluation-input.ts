import type { MetricsStore } from '../ports.ts';
import { seriesKey } from './aggregate.ts';
import { MINUTE_MS, minuteOf } from './buckets.ts';
import { parseDuration } from './duration.ts';
import type { Policy } from './policy.ts';
import type { EvaluationInput } from './triggers/types.ts';
import type { Version } from './version.ts';

/** The longest bucket window any trigger reads, so one query serves all seven. */
export function longestBucketWindowMs(policy: Policy): number {
  const { otp_in_critical, fp_budget, latency_p95, cost_spike, distribution_drift } = policy.triggers;
  return Math.max(
    ...[otp_in_critical, fp_budget, latency_p95, cost_spike, distribution_drift].map((t) =>
      parseDuration(t.window),
    ),
  );
}

export function longestReportAgeMs(policy: Policy): number {
  const { critical_precision, critical_recall } = policy.triggers;
  return Math.max(
    parseDuration(critical_precision.maxReportAge),
    parseDuration(critical_recall.maxReportAge),
  );
}

/** Reads what one version's evaluation at `at` needs: one bucket range query and one report query. */
export async function loadEvaluationInput(
  store: MetricsStore,
  policy: Policy,
  at: number,
  version: Version,
): Promise<EvaluationInput> {
  const fromMinute = minuteOf(at - longestBucketWindowMs(policy)) + MINUTE_MS;
  const [buckets, gdsReports] = await Promise.all([
    store.readBuckets(seriesKey(version), fromMinute, minuteOf(at)),
    store.readGdsReports(version, at - longestReportAgeMs(policy), at),
  ]);
  return { at, version, buckets, gdsReports, policy };
}

/** The version of the newest live classification: what evaluation judges when none is named. */
export async function newestLiveVersion(store: MetricsStore): Promise<Version | undefined> {
  const [newest] = await store.listVersionSightings();
  return newest?.version;
}
