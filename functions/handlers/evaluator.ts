/**
 * The evaluator Lambda, on the EventBridge schedule (every minute): judges every version seen in
 * live traffic recently and dispatches what breaches.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import {
  controlStoreFromEnv,
  incidentStoreFromEnv,
  metricsStoreFromEnv,
  notificationLogFromEnv,
  notifierFromEnv,
  policyFromEnv,
  systemClock,
  versionRegistryFromEnv,
  workflowStarterFromEnv,
} from '../commons/cloud-deps.ts';
import { logger } from '../commons/logger.ts';
import { evaluateAndDispatch, type TickDeps } from '../core/incident/evaluate-and-dispatch.ts';
import { describeVersion } from '../core/version.ts';

export function makeEvaluatorHandler(deps: () => TickDeps) {
  return async (): Promise<{ evaluated: number; dispatched: string[] }> => {
    const results = await evaluateAndDispatch(deps());
    for (const { evaluation, dispatch } of results) {
      logger.info('version evaluated', {
        version: describeVersion(evaluation.version),
        decision: evaluation.decision,
        outcomes: Object.fromEntries(evaluation.triggers.map((trigger) => [trigger.id, trigger.outcome])),
        dispatch: dispatch.action,
      });
    }
    for (const { evaluation } of results.filter((result) => result.reappeared)) {
      logger.warn('rolled-back version back in live traffic: paged', {
        version: describeVersion(evaluation.version),
      });
    }
    return {
      evaluated: results.length,
      dispatched: results.flatMap(({ dispatch }) => ('incidentId' in dispatch ? [dispatch.incidentId] : [])),
    };
  };
}

let deps: TickDeps | undefined;
function tickDepsFromEnv(): TickDeps {
  if (deps) return deps;
  const policy = policyFromEnv();
  deps = {
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
  return deps;
}

export const handler = middy(makeEvaluatorHandler(tickDepsFromEnv)).use(injectLambdaContext(logger));
export { tickDepsFromEnv };
