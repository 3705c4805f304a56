import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../../commons/logger.ts';
import { cloudWorkflowDeps, type WorkflowDeps } from '../../commons/workflow-deps.ts';

/** A workflow step as the local runner and the Lambda both call it: payload in, result out. */
export type StepFunction = (payload: unknown) => Promise<unknown>;

/**
 * Builds both faces of a step from one function: `make(deps)` for the local runner and tests,
 * and the Lambda `handler` wired to the cloud adapters (built on first invocation).
 */
export function workflowStep(name: string, run: (deps: WorkflowDeps, payload: unknown) => Promise<unknown>) {
  const make =
    (deps: () => WorkflowDeps): StepFunction =>
    async (payload) => {
      const result = await run(deps(), payload);
      logger.info('workflow step done', { step: name });
      return result ?? {};
    };
  const handler = middy(make(cloudWorkflowDeps)).use(injectLambdaContext(logger, { logEvent: false }));
  return { make, handler };
}
