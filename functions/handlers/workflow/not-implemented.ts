/**
 * Honest placeholders for Lambdas whose logic a later issue owns. A stub never fakes success:
 * it fails with a named error, so in the workflow the step's Catch routes to Escalate.
 */
import middy from '@middy/core';

/** The step exists in the infrastructure but its logic has not been written yet. */
export class NotImplementedError extends Error {
  override readonly name = 'NotImplementedError';

  constructor(readonly step: string) {
    super(`${step} is not implemented yet`);
  }
}

/** A middy handler that always fails with {@link NotImplementedError} for `step`. */
export function notImplementedHandler(step: string) {
  return middy().handler(async (): Promise<never> => {
    throw new NotImplementedError(step);
  });
}
