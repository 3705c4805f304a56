import { parseDuration } from '../duration.ts';
import { formatNear } from './format.ts';
import { outcomeAbove } from './outcome.ts';
import { notEnoughData, roundValue, triggerResult } from './result.ts';
import { sumCounter } from './sums.ts';
import type { TriggerEvaluator } from './types.ts';
import { bucketsInWindow } from './window.ts';

/**
 * Manual: critical false positives (corrections critical → other) per 100 classified emails.
 * The seed's SQL divides by the number of corrections; the runbook's words say "per 100 emails".
 */
export const evaluateFpBudget: TriggerEvaluator = ({ at, buckets, policy }) => {
  const { window, breachAbovePer100, minEmails } = policy.triggers.fp_budget;
  const inWindow = bucketsInWindow(buckets, at, parseDuration(window));
  const classified = sumCounter(inWindow, 'classified');
  const criticalFp = sumCounter(inWindow, 'criticalFp');
  const value = classified === 0 ? null : roundValue((criticalFp * 100) / classified);
  const common = { value, threshold: breachAbovePer100, warningThreshold: null, samples: classified, window };
  if (value === null || classified < minEmails) {
    return triggerResult('fp_budget', {
      ...common,
      outcome: 'inconclusive',
      reason: notEnoughData(classified, minEmails, 'emails'),
    });
  }
  const outcome = outcomeAbove(value, breachAbovePer100);
  const comparison = outcome === 'breach' ? '>' : '≤';
  return triggerResult('fp_budget', {
    ...common,
    outcome,
    reason:
      `${formatNear(value, breachAbovePer100)} critical false positives per 100 emails ${comparison} ` +
      `${breachAbovePer100} (${criticalFp} of ${classified} classified in ${window})`,
  });
};
