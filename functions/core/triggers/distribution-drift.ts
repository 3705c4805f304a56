import { parseDuration } from '../duration.ts';
import { IMPORTANCE_CLASSES, type Importance } from '../events.ts';
import { type Judged, outcomeAbove } from './outcome.ts';
import { notEnoughData, roundValue, triggerResult } from './result.ts';
import { sumCounter } from './sums.ts';
import type { TriggerEvaluator } from './types.ts';
import { bucketsInWindow } from './window.ts';

interface ClassDrift {
  importance: Importance;
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
    const sharePp = (sumCounter(inWindow, importance) * 100) / classified;
    const baselinePp = policy.baseline.distribution[importance] * 100;
    return { importance, sharePp, baselinePp, driftPp: roundValue(sharePp - baselinePp) };
  });
  // Ties go to the first class in IMPORTANCE_CLASSES order, so the reason is deterministic.
  const worst = drifts.reduce((max, drift) =>
    Math.abs(drift.driftPp) > Math.abs(max.driftPp) ? drift : max,
  );
  const value = Math.abs(worst.driftPp);
  const description =
    `${worst.importance} is ${worst.sharePp.toFixed(1)}% vs baseline ${roundValue(worst.baselinePp)}% ` +
    `(${worst.driftPp >= 0 ? '+' : '-'}${value.toFixed(1)} pp)`;
  if (classified < minEmails) {
    return triggerResult('distribution_drift', {
      ...common,
      outcome: 'inconclusive',
      value,
      reason: `${notEnoughData(classified, minEmails, 'emails')} (${description})`,
    });
  }
  const outcome = outcomeAbove(value, breachAbovePp, warningAbovePp);
  const limit: Record<Judged, string> = {
    breach: `> ${breachAbovePp} pp`,
    warning: `> ${warningAbovePp} pp`,
    ok: `≤ ${warningAbovePp} pp`,
  };
  return triggerResult('distribution_drift', {
    ...common,
    outcome,
    value,
    reason: `${description} ${limit[outcome]} (${classified} emails in ${window})`,
  });
};
