/**
 * Maps Octokit request failures to the revert's named errors. Octokit's RequestError is
 * duck-typed (status, response headers, message) so the adapter needs no import of a
 * transitive package.
 */
import {
  RateLimitedError,
  RepositoryAccessError,
  RepositoryError,
  TransientRepositoryError,
} from '../core/revert/errors.ts';

interface HttpFailure {
  status: number;
  message: string;
  headers: Record<string, string | undefined>;
  /** Octokit reports a connection that failed or was dropped as status 500 without a response. */
  hasResponse: boolean;
}

export function httpFailure(error: unknown): HttpFailure | null {
  if (
    typeof error !== 'object' ||
    error === null ||
    typeof (error as { status?: unknown }).status !== 'number'
  ) {
    return null;
  }
  const response = (error as { response?: { headers?: Record<string, string | undefined> } }).response;
  return {
    status: (error as { status: number }).status,
    message: error instanceof Error ? error.message : String(error),
    headers: response?.headers ?? {},
    hasResponse: response !== undefined,
  };
}

export function isRateLimit(failure: HttpFailure): boolean {
  return (
    failure.status === 429 ||
    (failure.status === 403 &&
      (failure.headers['x-ratelimit-remaining'] === '0' || /secondary rate limit/i.test(failure.message)))
  );
}

export interface MapContext {
  repository: string;
  /** What was being done, for the message: "update ref heads/main". */
  action: string;
  /** A write whose effect may have happened even though no answer came back. */
  write?: boolean;
  commitSha?: string;
}

/** Never returns the original error unwrapped: every failure leaves with a name and the repo. */
export function mapGitHubError(error: unknown, context: MapContext): Error {
  const failure = httpFailure(error);
  if (failure === null) {
    return new RepositoryError(`${context.repository}: ${context.action} failed: ${String(error)}`, null, {
      cause: error,
    });
  }
  const detail = `${context.action}: ${failure.message}`;
  if (isRateLimit(failure))
    return new RateLimitedError(context.repository, failure.status, detail, { cause: error });
  if (failure.status === 401 || failure.status === 403 || failure.status === 404) {
    return new RepositoryAccessError(context.repository, failure.status, detail, { cause: error });
  }
  if (failure.status === 409 || failure.status >= 500) {
    const what = failure.hasResponse ? `HTTP ${failure.status}` : 'no response';
    return new TransientRepositoryError(
      `${context.repository}: ${context.action} failed (${what}): ${failure.message}`,
      context.write === true,
      {
        cause: error,
        ...(context.commitSha === undefined ? {} : { commitSha: context.commitSha }),
      },
    );
  }
  return new RepositoryError(`${context.repository}: ${detail} (HTTP ${failure.status})`, failure.status, {
    cause: error,
  });
}
