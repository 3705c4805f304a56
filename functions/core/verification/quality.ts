import type { MinuteBucket } from '../buckets.ts';
import type { GdsReportEvent } from '../events.ts';
import type { VerificationCheck } from '../incident/incident.ts';
import type { Policy } from '../policy.ts';
import { ciClause, isSequential, scaledInterval } from '../triggers/sequential.ts';
import { formatNear, notEnoughData, round6, verificationCheck } from './check.ts';
import { judgeCheckSequentially } from './sequential.ts';

export type QualityMetric = 'precision' | 'recall';

/** Critical precision or recall with where it came from and how many samples it rests on. */
export interface QualityEstimate {
  metric: QualityMetric;
  value: number | null;
  /** tp+fp for precision, tp+fn for recall. */
  samples: number;
  /** The good ones among `samples`: tp. */
  tp: number;
  /** Named in the reason, so a reader knows whether a GDS run or user corrections back it. */
  source: string;
}

export function qualityFromReport(report: GdsReportEvent, metric: QualityMetric): QualityEstimate {
  const { tp } = report.critical;
  const errorName = metric === 'precision' ? 'fp' : 'fn';
  const errors = report.critical[errorName];
  const samples = tp + errors;
  return {
    metric,
    value: samples === 0 ? null : tp / samples,
    samples,
    tp,
    source: `GDS report on ${report.dataset} at ${new Date(report.ts).toISOString()}: ${tp} tp, ${errors} ${errorName}`,
  };
}

/**
 * Live estimate from user corrections, for when no GDS report was run since the deploy:
 * fp = corrections critical → other, fn = other → critical, tp = critical − fp. Corrections lag
 * behind classifications, so early on the estimate leans optimistic.
 */
export function liveQuality(total: MinuteBucket, metric: QualityMetric): QualityEstimate {
  // Corrections of emails classified before the deploy can outnumber the critical emails since it.
  const fp = Math.min(total.criticalFp, total.critical);
  const tp = total.critical - fp;
  if (metric === 'precision') {
    return {
      metric,
      value: total.critical === 0 ? null : tp / total.critical,
      samples: total.critical,
      tp,
      source: `no GDS report since deploy; live estimate: ${fp} of ${total.critical} critical emails corrected to another class`,
    };
  }
  const samples = tp + total.criticalFn;
  return {
    metric,
    value: samples === 0 ? null : tp / samples,
    samples,
    tp,
    source: `no GDS report since deploy; live estimate: ${tp} critical emails kept, ${total.criticalFn} corrected to critical`,
  };
}

export interface QualityRule {
  id: string;
  atLeast: number;
  minSamples: number;
  /** The main policy: the interval's confidence and the statistics mode. */
  policy: Policy;
}

export function qualityCheck(estimate: QualityEstimate, rule: QualityRule): VerificationCheck {
  const { confidence } = rule.policy.statistics;
  const interval = scaledInterval(estimate.tp, estimate.samples, confidence);
  const common = {
    id: rule.id,
    value: estimate.value,
    threshold: rule.atLeast,
    samples: estimate.samples,
    interval,
  };
  const unit = estimate.metric === 'precision' ? 'tp+fp' : 'tp+fn';
  const source = `${estimate.source}${ciClause(interval, confidence, 3)}`;
  if (estimate.value !== null && isSequential(rule.policy)) {
    const judged = judgeCheckSequentially(
      estimate.samples - estimate.tp,
      estimate.samples,
      1 - rule.atLeast,
      rule.policy,
      (rate) => `${estimate.metric} ${round6(1 - rate)}`,
      unit,
    );
    return verificationCheck({
      ...common,
      outcome: judged.outcome,
      reason: `critical ${estimate.metric} ${round6(estimate.value).toFixed(3)} (${source}); ${judged.text}`,
    });
  }
  if (estimate.value === null || estimate.samples < rule.minSamples) {
    return verificationCheck({
      ...common,
      outcome: 'inconclusive',
      reason: `${notEnoughData(estimate.samples, rule.minSamples, unit)} (${estimate.source})`,
    });
  }
  // Compare the rounded value that the check reports, so the reason and the outcome agree.
  const value = round6(estimate.value);
  const pass = value >= rule.atLeast;
  return verificationCheck({
    ...common,
    outcome: pass ? 'pass' : 'fail',
    reason:
      `critical ${estimate.metric} ${formatNear(value, rule.atLeast)} ${pass ? '≥' : '<'} ` +
      `${rule.atLeast} (${source})`,
  });
}
