import { MINUTE_MS, type MinuteBucket } from '../buckets.ts';
import { formatDuration, parseDuration } from '../duration.ts';
import { longestBucketWindowMs } from '../evaluation-input.ts';
import type { GdsReportEvent } from '../events.ts';
import type { Policy } from '../policy.ts';
import { sameVersion } from '../version.ts';
import { plural } from './format.ts';
import { isNewerReport } from './report-order.ts';
import { roundValue, triggerResult } from './result.ts';
import { sumCounter } from './sums.ts';
import type { EvaluationInput, TriggerEvaluator } from './types.ts';
import { bucketsInWindow } from './window.ts';

/** The report age the GDS triggers accept: past it they turn inconclusive, so the data is stale. */
export function maxReportAgeMs(policy: Policy): number {
  const { critical_precision, critical_recall } = policy.triggers;
  return Math.max(
    parseDuration(critical_precision.maxReportAge),
    parseDuration(critical_recall.maxReportAge),
  );
}

/**
 * Manual, warning only: are the data the other triggers judge still arriving? Warning when the
 * deployed version (the one most recently seen live) has sent no live classification for longer
 * than `maxSilence` — a stopped pipeline looks exactly like a healthy quiet version to every
 * other trigger — or when its newest GDS report is older than the GDS triggers' `maxReportAge`.
 * A version that was replaced may go quiet: that is the deploy, not stale data.
 */
export const evaluateDataFreshness: TriggerEvaluator = (input) => {
  const { at, policy } = input;
  const { maxSilence } = policy.triggers.data_freshness;
  const silenceMs = parseDuration(maxSilence);
  const limitMinutes = roundValue(silenceMs / MINUTE_MS);
  const samples = sumCounter(bucketsInWindow(input.buckets, at, silenceMs), 'classified');
  const common = { threshold: limitMinutes, warningThreshold: limitMinutes, samples, window: maxSilence };
  // Without a sighting, the newest live minute among the buckets any evaluation reads (the
  // longest trigger window), so the answer does not depend on how much history a caller passed.
  const lastSeen = input.lastSeen ?? newestLiveMinute(input.buckets, at, at - longestBucketWindowMs(policy));
  if (lastSeen === undefined) {
    return triggerResult('data_freshness', {
      ...common,
      outcome: 'inconclusive',
      value: null,
      reason: 'no live classification of this version has been seen',
    });
  }
  const silentMs = Math.max(0, at - lastSeen);
  const value = silentMs / MINUTE_MS;
  const deployed = input.deployed ?? true;
  const problems: string[] = [];
  const silence = `newest live classification ${formatMinutes(value)} ago`;
  if (silentMs > silenceMs && deployed) {
    problems.push(
      `${silence} > ${maxSilence} while this is the deployed version (the one most recently seen live)`,
    );
  }
  const report = newestReport(input);
  const ageLimitMs = maxReportAgeMs(policy);
  if (report && at - report.ts >= ageLimitMs) {
    problems.push(
      `newest GDS report (${report.dataset}, ${new Date(report.ts).toISOString()}) is older than ` +
        `${formatDuration(ageLimitMs)}: precision and recall cannot be judged`,
    );
  }
  if (problems.length > 0) {
    return triggerResult('data_freshness', {
      ...common,
      outcome: 'warning',
      value,
      reason: problems.join('; '),
    });
  }
  const context = deployed ? `≤ ${maxSilence}` : 'a newer version is live';
  return triggerResult('data_freshness', {
    ...common,
    outcome: 'ok',
    value,
    reason: `${silence} (${context}; ${plural(samples, 'classification')} in ${maxSilence})`,
  });
};

/** Bucket resolution: the start of the newest minute with live traffic at or before `at`. */
function newestLiveMinute(buckets: readonly MinuteBucket[], at: number, after: number): number | undefined {
  let newest: number | undefined;
  for (const bucket of buckets) {
    const inRange = bucket.minute <= at && bucket.minute > after;
    if (bucket.classified > 0 && inRange && (newest === undefined || bucket.minute > newest)) {
      newest = bucket.minute;
    }
  }
  return newest;
}

function newestReport(input: EvaluationInput): GdsReportEvent | undefined {
  let newest: GdsReportEvent | undefined;
  for (const report of input.gdsReports) {
    if (!sameVersion(report.version, input.version) || report.ts > input.at) continue;
    if (isNewerReport(report, newest)) newest = report;
  }
  return newest;
}

function formatMinutes(minutes: number): string {
  return minutes < 120 ? `${Math.floor(minutes)} min` : `${(minutes / 60).toFixed(1)} h`;
}
