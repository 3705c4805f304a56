import { evaluateCostSpike } from './cost-spike.ts';
import { evaluateCriticalPrecision } from './critical-precision.ts';
import { evaluateCriticalRecall } from './critical-recall.ts';
import { evaluateDataFreshness } from './data-freshness.ts';
import { decide } from './decide.ts';
import { evaluateDistributionDrift } from './distribution-drift.ts';
import { evaluateFpBudget } from './fp-budget.ts';
import { evaluateLatencyP95 } from './latency-p95.ts';
import { evaluateOtpInCritical } from './otp-in-critical.ts';
import {
  type Evaluation,
  type EvaluationInput,
  TRIGGER_IDS,
  type TriggerEvaluator,
  type TriggerId,
} from './types.ts';

export { decide } from './decide.ts';

export const EVALUATORS: Record<TriggerId, TriggerEvaluator> = {
  otp_in_critical: evaluateOtpInCritical,
  critical_precision: evaluateCriticalPrecision,
  critical_recall: evaluateCriticalRecall,
  fp_budget: evaluateFpBudget,
  latency_p95: evaluateLatencyP95,
  cost_spike: evaluateCostSpike,
  distribution_drift: evaluateDistributionDrift,
  data_freshness: evaluateDataFreshness,
};

/** All triggers (the runbook's seven, then data_freshness), in TRIGGER_IDS order, and the one decision they lead to. */
export function evaluateVersion(input: EvaluationInput): Evaluation {
  const triggers = TRIGGER_IDS.map((id) => EVALUATORS[id](input));
  return {
    at: new Date(input.at).toISOString(),
    version: input.version,
    decision: decide(triggers),
    triggers,
  };
}
