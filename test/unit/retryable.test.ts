import { describe, expect, it } from 'vitest';
import { mapGitHubError } from '../../functions/adapters/github-errors.ts';
import { isRetryableError, RETRYABLE_ERROR_NAMES } from '../../functions/core/retryable.ts';
import {
  RateLimitedError,
  RepositoryAccessError,
  RepositoryError,
  TransientRepositoryError,
} from '../../functions/core/revert/errors.ts';

/** Octokit's RequestError, duck-typed as the adapter reads it. */
const httpError = (
  status: number,
  message = 'failed',
  headers: Record<string, string> = {},
  response = true,
) => Object.assign(new Error(message), { status, ...(response ? { response: { headers } } : {}) });
const context = { repository: 'acme/shopq', action: 'update ref heads/main', write: true };

describe('the retryable error names (the one list the workflow retries)', () => {
  it('are exactly the names the transient error classes throw with', () => {
    const thrown = [
      new TransientRepositoryError('502 from the API', true),
      new RateLimitedError('acme/shopq', 429, 'slow down'),
    ];
    expect(thrown.map((error) => error.name).sort()).toEqual([...RETRYABLE_ERROR_NAMES].sort());
    expect(RETRYABLE_ERROR_NAMES).toEqual(
      expect.arrayContaining(['TransientRepositoryError', 'RateLimitedError']),
    );
    for (const error of thrown) expect(isRetryableError(error), error.name).toBe(true);
  });

  it('cover every transient repository failure the GitHub adapter maps, and no verdict', () => {
    const transient = [
      httpError(500),
      httpError(502),
      httpError(503),
      httpError(409, 'reference update conflict'),
      httpError(500, 'socket hang up', {}, false),
      httpError(429),
      httpError(403, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0' }),
      httpError(403, 'You have exceeded a secondary rate limit'),
    ].map((error) => mapGitHubError(error, context));
    for (const error of transient) {
      expect(RETRYABLE_ERROR_NAMES, `${error.name}: ${error.message}`).toContain(error.name);
      expect(isRetryableError(error)).toBe(true);
    }

    const verdicts = [httpError(401), httpError(403, 'forbidden'), httpError(404), httpError(422)].map(
      (error) => mapGitHubError(error, context),
    );
    expect(verdicts.map((error) => error.constructor)).toEqual([
      RepositoryAccessError,
      RepositoryAccessError,
      RepositoryAccessError,
      RepositoryError,
    ]);
    for (const error of verdicts) expect(isRetryableError(error), error.name).toBe(false);
  });
});
