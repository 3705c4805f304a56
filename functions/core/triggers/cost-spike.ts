import { NANO_USD_PER_USD } from '../buckets.ts';
import { parseDuration } from '../duration.ts';
import { formatNear, formatThreshold } from './format.ts';
import { outcomeAbove } from './outcome.ts';
import { notEnoughData, roundValue, triggerResult } from './result.ts';
import { sumCounter } from './sums.ts';
import type { TriggerEvaluator } from './types.ts';
import { bucketsInWindow } from './window.ts';

/** Manual: average cost per classification as a multiple of the baseline cost. */
export const evaluateCostSpike: TriggerEvaluator = ({ at, buckets, policy }) => {
  const { window, breachAboveRatio, minEmails } = policy.triggers.cost_spike;
  const baselineUsd = policy.baseline.costPerClassificationUsd;
  const inWindow = bucketsInWindow(buckets, at, parseDuration(window));
  const costCount = sumCounter(inWindow, 'costCount');
  const costUsd = sumCounter(inWindow, 'costNanoUsd') / NANO_USD_PER_USD;
  const perClassificationUsd = costCount === 0 ? null : costUsd / costCount;
  const value = perClassificationUsd === null ? null : roundValue(perClassificationUsd / baselineUsd);
  const common = { value, threshold: breachAboveRatio, warningThreshold: null, samples: costCount, window };
  if (value === null || perClassificationUsd === null || costCount < minEmails) {
    return triggerResult('cost_spike', {
      ...common,
      outcome: 'inconclusive',
      reason: notEnoughData(costCount, minEmails, 'emails with cost'),
    });
  }
  const outcome = outcomeAbove(value, breachAboveRatio);
  const comparison = outcome === 'breach' ? '>' : '≤';
  return triggerResult('cost_spike', {
    ...common,
    outcome,
    reason:
      `cost per classification $${Number(perClassificationUsd.toPrecision(3))} is ` +
      `${formatNear(value, breachAboveRatio)}× baseline $${baselineUsd} ${comparison} ${formatThreshold(breachAboveRatio, 1)}× ` +
      `(${costCount} emails with cost in ${window})`,
  });
};
