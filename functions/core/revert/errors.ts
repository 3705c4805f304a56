/**
 * Named failures of the version revert. The workflow maps them to its states: the
 * "retry-safe" ones (their names are in functions/core/retryable.ts) are retried by the state
 * machine (the revert re-checks the incident trailer first), the others route to Escalate with
 * the message as the reason.
 */
import { SentinelError } from '../errors.ts';
import { RETRYABLE_ERRORS } from '../retryable.ts';

/** The version file cannot be read or rewritten in its form; names the file and the problem. */
export class VersionFileError extends SentinelError {
  override readonly name = 'VersionFileError';
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/**
 * The branch is no longer at the commit the change was built on (a compare-and-swap lost the
 * race, or GitHub answered "Update is not a fast forward"). Re-read and re-apply.
 */
export class BranchMovedError extends SentinelError {
  override readonly name = 'BranchMovedError';
  constructor(
    readonly branch: string,
    readonly expected: string,
    readonly actual: string | null,
    options?: { cause?: unknown },
  ) {
    super(
      `branch ${branch} moved: expected ${expected.slice(0, 12)}, found ${actual === null ? 'another commit' : actual.slice(0, 12)}`,
      options,
    );
  }
}

/**
 * A transient failure of the repository service (5xx, 409, a dropped connection). When
 * `outcomeUnknown` is true the write may have been applied: the caller must look for the
 * incident trailer before writing again.
 */
export class TransientRepositoryError extends SentinelError {
  override readonly name = RETRYABLE_ERRORS.transientRepository;
  /** The commit the failed ref update tried to publish, when there was one. */
  readonly commitSha: string | undefined;
  constructor(
    message: string,
    readonly outcomeUnknown: boolean,
    options?: { cause?: unknown; commitSha?: string },
  ) {
    super(message, options);
    this.commitSha = options?.commitSha;
  }
}

/** 401/403/404: the credentials or the repository are wrong. Retrying cannot help; escalate. */
export class RepositoryAccessError extends SentinelError {
  override readonly name = 'RepositoryAccessError';
  constructor(
    readonly repository: string,
    readonly status: number,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`no access to ${repository} (HTTP ${status}): ${detail}`, options);
  }
}

/** The API's rate limit was hit more often (or for longer) than the adapter is allowed to wait. */
export class RateLimitedError extends SentinelError {
  override readonly name = RETRYABLE_ERRORS.rateLimited;
  constructor(
    readonly repository: string,
    readonly status: number,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`rate limited by ${repository} (HTTP ${status}): ${detail}`, options);
  }
}

/** Any other failure answered by the repository service, with its status when there is one. */
export class RepositoryError extends SentinelError {
  override readonly name = 'RepositoryError';
  constructor(
    message: string,
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A ref (branch, tag or sha) that the revert needs does not exist. */
export class RefNotFoundError extends SentinelError {
  override readonly name = 'RefNotFoundError';
  constructor(
    readonly repository: string,
    readonly ref: string,
  ) {
    super(`${repository}: no commit for ref "${ref}"`);
  }
}

/** The planned result failed the quick smoke check; nothing was committed. */
export class SmokeCheckFailedError extends SentinelError {
  override readonly name = 'SmokeCheckFailedError';
  constructor(readonly problems: readonly string[]) {
    super(`smoke check failed:\n  ${problems.join('\n  ')}`);
  }
}

/** The branch kept moving: every bounded attempt lost its compare-and-swap. */
export class RevertContentionError extends SentinelError {
  override readonly name = 'RevertContentionError';
  constructor(
    readonly branch: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(`gave up after ${attempts} attempts: branch ${branch} kept moving or failing`, options);
  }
}

/**
 * The head of the branch runs a version that is neither the bad one nor the target: someone
 * changed it by hand. The revert does not guess; a person decides.
 */
export class UnexpectedHeadVersionError extends SentinelError {
  override readonly name = 'UnexpectedHeadVersionError';
}

/** No stable target can be found (no `*-stable` tag, or none older than the bad version). */
export class NoStableTargetError extends SentinelError {
  override readonly name = 'NoStableTargetError';
}
