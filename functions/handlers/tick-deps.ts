import { policyFromEnv, systemClock } from '../commons/env.ts';
import { notifierFromEnv } from '../commons/notifier.ts';
import { once } from '../commons/once.ts';
import {
  controlStoreFromEnv,
  incidentStoreFromEnv,
  metricsStoreFromEnv,
  notificationLogFromEnv,
  versionRegistryFromEnv,
} from '../commons/table.ts';
import { workflowStarterFromEnv } from '../commons/workflow-starter.ts';
import type { TickDeps } from '../core/incident/evaluate-and-dispatch.ts';

/** The scheduled tick's adapters (evaluator), which the alarm-woken dispatcher shares. */
export const tickDepsFromEnv = once((): TickDeps => {
  const policy = policyFromEnv();
  return {
    metrics: metricsStoreFromEnv(policy),
    incidents: incidentStoreFromEnv(),
    workflow: workflowStarterFromEnv(),
    clock: systemClock,
    policy,
    versions: versionRegistryFromEnv(),
    notifier: notifierFromEnv(),
    notificationLog: notificationLogFromEnv(),
    control: controlStoreFromEnv(),
  };
});
