import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../../commons/logger.ts';
import { once } from '../../commons/once.ts';

/**
 * A workflow step's Lambda handler: payload in, result out. `deps` builds only the adapters
 * this step uses, from its own environment, once per container on the first invocation — so a
 * step never needs a variable or a grant that belongs to another step.
 */
export function workflowStep<Deps>(
  name: string,
  deps: () => Deps | Promise<Deps>,
  run: (deps: Deps, payload: unknown) => Promise<unknown>,
) {
  const resolveDeps = once(async () => deps());
  return middy(async (payload: unknown) => {
    const result = await run(await resolveDeps(), payload);
    logger.info('workflow step done', { step: name });
    return result ?? {};
  }).use(injectLambdaContext(logger, { logEvent: false }));
}
