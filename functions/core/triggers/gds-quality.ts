import { parseDuration } from '../duration.ts';
import type { GdsReportEvent } from '../events.ts';
import { sameVersion } from '../version.ts';
import { formatNear, formatThreshold } from './format.ts';
import { outcomeBelow } from './outcome.ts';
import { isNewerReport } from './report-order.ts';
import { notEnoughData, roundValue, triggerResult } from './result.ts';
import { ciClause, isSequential, judgeSequentially, scaledInterval, sequentialRule } from './sequential.ts';
import type { EvaluationInput, TriggerResult } from './types.ts';

interface QualityMetric {
  id: 'critical_precision' | 'critical_recall';
  /** "precision" or "recall", for reasons. */
  name: string;
  /** The error count in the denominator besides tp: fp for precision, fn for recall. */
  errorField: 'fp' | 'fn';
  policy: { warningBelow: number; breachBelow: number; maxReportAge: string; minSamples: number };
}

/**
 * The newest GDS report of the version with ts in `(at − maxReportAge, at]` (ties: `isNewerReport`).
 */
export function latestReport(input: EvaluationInput, maxAgeMs: number): GdsReportEvent | undefined {
  let latest: GdsReportEvent | undefined;
  for (const report of input.gdsReports) {
    if (!sameVersion(report.version, input.version)) continue;
    if (report.ts <= input.at - maxAgeMs || report.ts > input.at) continue;
    if (isNewerReport(report, latest)) latest = report;
  }
  return latest;
}

/** Precision and recall of `critical` on the golden dataset share everything but the error count. */
export function evaluateQuality(input: EvaluationInput, metric: QualityMetric): TriggerResult {
  const { warningBelow, breachBelow, maxReportAge, minSamples } = metric.policy;
  const common = { threshold: breachBelow, warningThreshold: warningBelow, window: maxReportAge };
  const report = latestReport(input, parseDuration(maxReportAge));
  if (report === undefined) {
    return triggerResult(metric.id, {
      ...common,
      outcome: 'inconclusive',
      value: null,
      samples: 0,
      reason: `no GDS report of this version in the last ${maxReportAge}`,
    });
  }
  const { tp } = report.critical;
  const errors = report.critical[metric.errorField];
  const samples = tp + errors;
  const value = samples === 0 ? null : roundValue(tp / samples);
  const { confidence } = input.policy.statistics;
  const interval = scaledInterval(tp, samples, confidence);
  const counts = `${tp} tp, ${errors} ${metric.errorField}${ciClause(interval, confidence, 3)}`;
  if (value !== null && isSequential(input.policy)) {
    // Bad event: an error (fp or fn); H0 and H1 are error rates, 1 − precision or 1 − recall.
    const judged = judgeSequentially(
      errors,
      samples,
      input.policy.statistics.sequential[metric.id],
      sequentialRule(input.policy),
      (rate) => `${metric.name} ${roundValue(1 - rate)}`,
      `tp+${metric.errorField}`,
    );
    return triggerResult(metric.id, {
      ...common,
      outcome: judged.outcome,
      value,
      samples,
      interval,
      reason: `critical ${metric.name} ${value.toFixed(3)} on ${report.dataset} (${counts}); ${judged.text}`,
    });
  }
  if (value === null || samples < minSamples) {
    const shown = value === null ? '' : ` (critical ${metric.name} ${value.toFixed(2)})`;
    return triggerResult(metric.id, {
      ...common,
      outcome: 'inconclusive',
      value,
      samples,
      interval,
      reason: `${notEnoughData(samples, minSamples, `tp+${metric.errorField} on ${report.dataset}`)}${shown}`,
    });
  }
  const outcome = outcomeBelow(value, breachBelow, warningBelow);
  const reference = outcome === 'breach' ? breachBelow : warningBelow;
  const comparison = outcome === 'ok' ? '≥' : '<';
  const text = formatNear(value, reference);
  return triggerResult(metric.id, {
    ...common,
    outcome,
    value,
    samples,
    interval,
    reason: `critical ${metric.name} ${text} ${comparison} ${formatThreshold(reference)} on ${report.dataset} (${counts})`,
  });
}
