import { GitHubRepo } from '../adapters/github-repo.ts';
import { SentinelError } from '../core/errors.ts';
import { RepositoryWritesDisabledError } from '../core/workflow/revert.ts';
import type { SourceRepository } from '../ports.ts';
import { readSecret } from './clients/secrets-manager.ts';
import { requireEnv } from './env.ts';

/** The application repository through the GitHub API; the token comes from Secrets Manager. */
export async function githubRepoFromEnv(): Promise<SourceRepository> {
  if (process.env.REPOSITORY_WRITES === 'disabled') {
    throw new RepositoryWritesDisabledError(
      'this stack was deployed notify-only (-c notifyOnly=true): it has no application repository to roll back; ' +
        'redeploy with -c repository=owner/name',
    );
  }
  const repository = requireEnv('GITHUB_REPOSITORY');
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) throw new SentinelError(`GITHUB_REPOSITORY must be owner/name (got "${repository}")`);
  const token = await readSecret(requireEnv('GITHUB_TOKEN_SECRET_ARN'));
  return new GitHubRepo({ owner, repo, token, baseUrl: process.env.GITHUB_API_URL });
}
