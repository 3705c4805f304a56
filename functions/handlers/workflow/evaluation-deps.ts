import { policyFromEnv, systemClock } from '../../commons/env.ts';
import { incidentStoreFromEnv, metricsStoreFromEnv } from '../../commons/table.ts';
import type { EvaluationDeps } from '../../core/workflow/confirm-trigger.ts';

/** What the steps that re-judge a version read: the table and the policy. */
export function evaluationDepsFromEnv(): EvaluationDeps {
  const policy = policyFromEnv();
  return {
    incidents: incidentStoreFromEnv(),
    metrics: metricsStoreFromEnv(policy),
    policy,
    clock: systemClock,
  };
}
