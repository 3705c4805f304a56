/**
 * The evaluator Lambda, on the EventBridge schedule (every minute): judges every version seen in
 * live traffic recently and dispatches what breaches.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../commons/logger.ts';
import { metricsPublisherFromEnv } from '../commons/metrics-publisher.ts';
import { once } from '../commons/once.ts';
import { evaluateAndDispatch, type TickDeps } from '../core/incident/evaluate-and-dispatch.ts';
import { triggerValueMetrics } from '../core/trigger-metrics.ts';
import type { Evaluation } from '../core/triggers/types.ts';
import { describeVersion } from '../core/version.ts';
import type { MetricsPublisher } from '../ports.ts';
import { tickDepsFromEnv } from './tick-deps.ts';

export interface EvaluatorDeps extends TickDeps {
  /** Where the dashboard's trigger values go; absent locally. */
  publisher?: MetricsPublisher;
}

export function makeEvaluatorHandler(deps: () => EvaluatorDeps) {
  return async (): Promise<{ evaluated: number; dispatched: string[] }> => {
    const resolved = deps();
    const results = await evaluateAndDispatch(resolved);
    await publishTriggerValues(
      resolved.publisher,
      results.map((result) => result.evaluation),
    );
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

/** The dashboard is not worth a failed tick: a failed publish is logged by name, not thrown. */
async function publishTriggerValues(publisher: MetricsPublisher | undefined, evaluations: Evaluation[]) {
  if (!publisher || evaluations.length === 0) return;
  try {
    await publisher.publish(triggerValueMetrics(evaluations));
  } catch (error) {
    logger.error('trigger values not published', { error: error instanceof Error ? error.name : 'unknown' });
  }
}

const evaluatorDepsFromEnv = once(
  (): EvaluatorDeps => ({ ...tickDepsFromEnv(), publisher: metricsPublisherFromEnv() }),
);

export const handler = middy(makeEvaluatorHandler(evaluatorDepsFromEnv)).use(injectLambdaContext(logger));
