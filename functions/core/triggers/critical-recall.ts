import { evaluateQuality } from './gds-quality.ts';
import type { TriggerEvaluator } from './types.ts';

/** Automatic: missed critical emails defeat the classifier's purpose. recall = tp / (tp + fn). */
export const evaluateCriticalRecall: TriggerEvaluator = (input) =>
  evaluateQuality(input, {
    id: 'critical_recall',
    name: 'recall',
    errorField: 'fn',
    policy: input.policy.triggers.critical_recall,
  });
