import { evaluateQuality } from './gds-quality.ts';
import type { TriggerEvaluator } from './types.ts';

/** Automatic: false positives in `critical` erode trust fastest. precision = tp / (tp + fp). */
export const evaluateCriticalPrecision: TriggerEvaluator = (input) =>
  evaluateQuality(input, {
    id: 'critical_precision',
    name: 'precision',
    errorField: 'fp',
    policy: input.policy.triggers.critical_precision,
  });
