/**
 * The named errors that mean "the same call may succeed if made again": the rollback workflow's
 * Retry (lib/workflow/definition.ts) matches exactly these names, and the error classes that mean
 * it take their `name` from here (functions/core/revert/errors.ts), so the two cannot drift apart.
 * Every other named error is a verdict, not a hiccup: the workflow escalates it at once.
 *
 * A step that throws one of these must be safe to run again: RevertCommit looks for its incident
 * trailer before it writes, so a retried revert never commits twice.
 */
export const RETRYABLE_ERRORS = {
  /** A 5xx, 409 or dropped connection from the repository service (TransientRepositoryError). */
  transientRepository: 'TransientRepositoryError',
  /** The repository API's rate limit outlasted what the adapter may wait in one call (RateLimitedError). */
  rateLimited: 'RateLimitedError',
} as const;

export type RetryableErrorName = (typeof RETRYABLE_ERRORS)[keyof typeof RETRYABLE_ERRORS];

/** The names, as Step Functions matches them against a Lambda's `errorType` (the thrown error's `name`). */
export const RETRYABLE_ERROR_NAMES: readonly RetryableErrorName[] = Object.values(RETRYABLE_ERRORS);

export function isRetryableError(error: unknown): boolean {
  return error instanceof Error && (RETRYABLE_ERROR_NAMES as readonly string[]).includes(error.name);
}
