import { type MinuteBucket, NANO_USD_PER_USD } from '../buckets.ts';
import { IMPORTANCE_CLASSES, type Importance } from '../events.ts';
import type { VerificationCheck } from '../incident/incident.ts';
import type { Policy } from '../policy.ts';
import { scaledInterval } from '../triggers/sequential.ts';
import { formatNear, notEnoughData, round6, verificationCheck } from './check.ts';
import type { VerificationPolicy } from './policy.ts';
import { liveQuality, type QualityMetric, qualityCheck, qualityFromReport } from './quality.ts';
import { latestReport, type SinceDeploy } from './since-deploy.ts';

type ShortTermPolicy = VerificationPolicy['shortTerm'];
type Baseline = Policy['baseline'];

/** Seed, short-term: precision ≥ 95 %, recall ≥ 85 %, cost ≤ baseline, distribution within ±5 pp. */
export function shortTermChecks(
  data: SinceDeploy,
  policy: ShortTermPolicy,
  main: Policy,
): VerificationCheck[] {
  const { baseline } = main;
  return [
    precisionOrRecall(data, 'precision', policy.precisionAtLeast, policy, main),
    precisionOrRecall(data, 'recall', policy.recallAtLeast, policy, main),
    costCheck(data, policy, baseline),
    distributionCheck(data, policy, main),
  ];
}

/** A GDS report run since the deploy beats the live estimate; without one, corrections stand in. */
function precisionOrRecall(
  data: SinceDeploy,
  metric: QualityMetric,
  atLeast: number,
  policy: ShortTermPolicy,
  main: Policy,
): VerificationCheck {
  const report = latestReport(data);
  const estimate = report ? qualityFromReport(report, metric) : liveQuality(data.total, metric);
  return qualityCheck(estimate, {
    id: `critical_${metric}`,
    atLeast,
    minSamples: policy.minQualitySamples,
    policy: main,
  });
}

function costCheck(data: SinceDeploy, policy: ShortTermPolicy, baseline: Baseline): VerificationCheck {
  const { costCount, costNanoUsd } = data.total;
  const baselineUsd = baseline.costPerClassificationUsd;
  const perClassificationUsd = costCount === 0 ? null : costNanoUsd / NANO_USD_PER_USD / costCount;
  const ratio = perClassificationUsd === null ? null : round6(perClassificationUsd / baselineUsd);
  const common = {
    id: 'cost_per_classification',
    value: ratio,
    threshold: policy.costRatioMax,
    samples: costCount,
  };
  if (ratio === null || perClassificationUsd === null || costCount < policy.minEmails) {
    return verificationCheck({
      ...common,
      outcome: 'inconclusive',
      reason: notEnoughData(costCount, policy.minEmails, 'emails with cost'),
    });
  }
  const pass = ratio <= policy.costRatioMax;
  return verificationCheck({
    ...common,
    outcome: pass ? 'pass' : 'fail',
    reason:
      `cost per classification $${perClassificationUsd.toPrecision(3)} is ` +
      `${formatNear(ratio, policy.costRatioMax)}× baseline $${baselineUsd} ${pass ? '≤' : '>'} ` +
      `${policy.costRatioMax}× (${costCount} emails with cost since deploy)`,
  });
}

/** The largest shift of any class's share from the baseline, in percentage points. */
function distributionCheck(data: SinceDeploy, policy: ShortTermPolicy, main: Policy): VerificationCheck {
  const { baseline } = main;
  const { confidence } = main.statistics;
  const classified = data.total.classified;
  const limit = policy.distributionWithinPp;
  const common = { id: 'distribution_drift', threshold: limit, samples: classified };
  if (classified === 0) {
    return verificationCheck({
      ...common,
      outcome: 'inconclusive',
      value: null,
      reason: notEnoughData(0, policy.minEmails, 'emails'),
    });
  }
  const worst = worstClassDrift(data.total, baseline.distribution);
  const value = Math.abs(worst.driftPp);
  // Display only: the share of the worst class, its Wilson interval, and that as an interval of |drift|.
  const share = scaledInterval(data.total[worst.importance], classified, confidence, 100) as [number, number];
  const interval = absoluteDrift(share, worst.baselinePp);
  const ci = `; ${Number((confidence * 100).toFixed(4))} % CI ${worst.importance} ${share[0].toFixed(1)}–${share[1].toFixed(1)}%`;
  const description =
    `${worst.importance} is ${worst.sharePp.toFixed(1)}% vs baseline ` +
    `${round6(worst.baselinePp)}% (${worst.driftPp >= 0 ? '+' : '-'}${value.toFixed(1)} pp)`;
  if (classified < policy.minEmails) {
    return verificationCheck({
      ...common,
      outcome: 'inconclusive',
      value,
      interval,
      reason: `${notEnoughData(classified, policy.minEmails, 'emails')} (${description})`,
    });
  }
  const pass = value <= limit;
  return verificationCheck({
    ...common,
    outcome: pass ? 'pass' : 'fail',
    value,
    interval,
    reason: `${description} ${pass ? '≤' : '>'} ±${limit} pp (${classified} emails since deploy${ci})`,
  });
}

function absoluteDrift([lo, hi]: [number, number], baselinePp: number): [number, number] {
  if (lo >= baselinePp) return [lo - baselinePp, hi - baselinePp];
  if (hi <= baselinePp) return [baselinePp - hi, baselinePp - lo];
  return [0, Math.max(baselinePp - lo, hi - baselinePp)];
}

export interface ClassDrift {
  importance: Importance;
  sharePp: number;
  baselinePp: number;
  /** Signed share − baseline, in percentage points. */
  driftPp: number;
}

/** The class whose share moved furthest from the baseline (ties: the first class). Needs classified > 0. */
export function worstClassDrift(total: MinuteBucket, distribution: Baseline['distribution']): ClassDrift {
  const drifts = IMPORTANCE_CLASSES.map((importance): ClassDrift => {
    // Percentage points first, so 25 % vs 15 % is exactly 10 pp, not 9.999… pp.
    const sharePp = (total[importance] * 100) / total.classified;
    const baselinePp = distribution[importance] * 100;
    return { importance, sharePp, baselinePp, driftPp: round6(sharePp - baselinePp) };
  });
  return drifts.reduce((max, drift) => (Math.abs(drift.driftPp) > Math.abs(max.driftPp) ? drift : max));
}
