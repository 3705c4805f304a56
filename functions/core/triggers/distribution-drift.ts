import { parseDuration } from '../duration.ts';
import { IMPORTANCE_CLASSES, type Importance } from '../events.ts';
import { formatPValue } from '../statistics/format.ts';
import { gTest } from '../statistics/g-test.ts';
import type { Interval } from '../statistics/wilson.ts';
import { type Judged, outcomeAbove } from './outcome.ts';
import { notEnoughData, roundValue, triggerResult } from './result.ts';
import { isSequential, scaledInterval } from './sequential.ts';
import { sumCounter } from './sums.ts';
import type { TriggerEvaluator } from './types.ts';
import { bucketsInWindow } from './window.ts';

interface ClassDrift {
  importance: Importance;
  count: number;
  sharePp: number;
  baselinePp: number;
  /** Signed difference in percentage points. */
  driftPp: number;
}

/** Manual: the largest shift of any class's share from the baseline, in percentage points. */
export const evaluateDistributionDrift: TriggerEvaluator = ({ at, buckets, policy }) => {
  const { window, warningAbovePp, breachAbovePp, minEmails } = policy.triggers.distribution_drift;
  const inWindow = bucketsInWindow(buckets, at, parseDuration(window));
  const classified = sumCounter(inWindow, 'classified');
  const common = { threshold: breachAbovePp, warningThreshold: warningAbovePp, samples: classified, window };
  if (classified === 0) {
    return triggerResult('distribution_drift', {
      ...common,
      outcome: 'inconclusive',
      value: null,
      reason: notEnoughData(0, minEmails, 'emails'),
    });
  }
  const drifts = IMPORTANCE_CLASSES.map((importance): ClassDrift => {
    // Shares in percentage points first, so 25 % vs 15 % is exactly 10 pp, not 9.999… pp.
    const count = sumCounter(inWindow, importance);
    const sharePp = (count * 100) / classified;
    const baselinePp = policy.baseline.distribution[importance] * 100;
    return { importance, count, sharePp, baselinePp, driftPp: roundValue(sharePp - baselinePp) };
  });
  // Ties go to the first class in IMPORTANCE_CLASSES order, so the reason is deterministic.
  const worst = drifts.reduce((max, drift) =>
    Math.abs(drift.driftPp) > Math.abs(max.driftPp) ? drift : max,
  );
  const value = Math.abs(worst.driftPp);
  const { confidence } = policy.statistics;
  const shareInterval = scaledInterval(worst.count, classified, confidence, 100) as Interval;
  const interval = absoluteDriftInterval(shareInterval, worst.baselinePp);
  const ci = `; ${Number((confidence * 100).toFixed(4))} % CI ${worst.importance} ${shareInterval[0].toFixed(1)}–${shareInterval[1].toFixed(1)}%`;
  const description =
    `${worst.importance} is ${worst.sharePp.toFixed(1)}% vs baseline ${roundValue(worst.baselinePp)}% ` +
    `(${worst.driftPp >= 0 ? '+' : '-'}${value.toFixed(1)} pp)`;
  if (classified < minEmails) {
    return triggerResult('distribution_drift', {
      ...common,
      outcome: 'inconclusive',
      value,
      interval,
      reason: `${notEnoughData(classified, minEmails, 'emails')} (${description})`,
    });
  }
  const byShift = outcomeAbove(value, breachAbovePp, warningAbovePp);
  const limit: Record<Judged, string> = {
    breach: `> ${breachAbovePp} pp`,
    warning: `> ${warningAbovePp} pp`,
    ok: `≤ ${warningAbovePp} pp`,
  };
  const counts = `${classified} emails in ${window}${ci}`;
  if (!isSequential(policy)) {
    return triggerResult('distribution_drift', {
      ...common,
      outcome: byShift,
      value,
      interval,
      reason: `${description} ${limit[byShift]} (${counts})`,
    });
  }
  // Sequential mode: a shift past the breach line must also be significant against the baseline.
  const test = gTest(
    drifts.map((drift) => drift.count),
    IMPORTANCE_CLASSES.map((importance) => policy.baseline.distribution[importance]),
  );
  const { driftPValue } = policy.statistics;
  const significant = test.pValue < driftPValue;
  const outcome: Judged = byShift === 'breach' && !significant ? 'warning' : byShift;
  const verdict = significant ? `< ${driftPValue}` : `≥ ${driftPValue}, not significant`;
  return triggerResult('distribution_drift', {
    ...common,
    outcome,
    value,
    interval,
    reason:
      `${description} ${limit[byShift]}, G = ${test.g.toFixed(1)} (${test.df} df), ` +
      `${formatPValue(test.pValue)} ${verdict} (${counts})`,
  });
};

/** A signed share-interval turned into an interval of |share − baseline|, in pp. */
function absoluteDriftInterval([lo, hi]: Interval, baselinePp: number): Interval {
  const low = lo - baselinePp;
  const high = hi - baselinePp;
  if (low >= 0) return [low, high];
  if (high <= 0) return [-high, -low];
  return [0, Math.max(-low, high)];
}
