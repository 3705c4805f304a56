import { parseDuration } from '../duration.ts';
import { formatNear } from './format.ts';
import { outcomeAbove } from './outcome.ts';
import { notEnoughData, roundValue, triggerResult } from './result.ts';
import { ciClause, isSequential, judgeSequentially, scaledInterval, sequentialRule } from './sequential.ts';
import { sumCounter } from './sums.ts';
import type { TriggerEvaluator } from './types.ts';
import { bucketsInWindow } from './window.ts';

/**
 * Manual: critical false positives (corrections critical → other) per 100 classified emails.
 * The seed's SQL divides by the number of corrections; the runbook's words say "per 100 emails".
 */
export const evaluateFpBudget: TriggerEvaluator = ({ at, buckets, policy }) => {
  const { window, breachAbovePer100, minEmails } = policy.triggers.fp_budget;
  const { confidence } = policy.statistics;
  const inWindow = bucketsInWindow(buckets, at, parseDuration(window));
  const classified = sumCounter(inWindow, 'classified');
  const criticalFp = sumCounter(inWindow, 'criticalFp');
  const value = classified === 0 ? null : roundValue((criticalFp * 100) / classified);
  // Corrections can arrive for emails classified before the window; a rate cannot pass 100 %.
  const interval = scaledInterval(Math.min(criticalFp, classified), classified, confidence, 100);
  const common = {
    value,
    threshold: breachAbovePer100,
    warningThreshold: null,
    samples: classified,
    window,
    interval,
  };
  const counts = `${criticalFp} of ${classified} classified in ${window}${ciClause(interval, confidence, 1)}`;
  if (value !== null && isSequential(policy)) {
    // The SPRT's own floor replaces minEmails: a clear regression need not wait for 100 emails.
    const judged = judgeSequentially(
      Math.min(criticalFp, classified),
      classified,
      policy.statistics.sequential.fp_budget,
      sequentialRule(policy),
      (rate) => `${roundValue(rate * 100)} per 100`,
      'emails',
    );
    return triggerResult('fp_budget', {
      ...common,
      outcome: judged.outcome,
      reason: `${formatNear(value, breachAbovePer100)} critical false positives per 100 emails (${counts}); ${judged.text}`,
    });
  }
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
      `${breachAbovePer100} (${counts})`,
  });
};
