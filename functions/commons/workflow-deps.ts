import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GitHubRepo } from '../adapters/github-repo.ts';
import { SentinelError } from '../core/errors.ts';
import type { Policy } from '../core/policy.ts';
import type { Clock, IncidentStore, MetricsStore, Notifier, SourceRepository } from '../ports.ts';
import {
  incidentStoreFromEnv,
  metricsStoreFromEnv,
  notifierFromEnv,
  policyFromEnv,
  systemClock,
} from './cloud-deps.ts';

/** Everything a workflow step may need; each step's core function takes only its part. */
export interface WorkflowDeps {
  incidents: IncidentStore;
  metrics: MetricsStore;
  notifier: Notifier;
  clock: Clock;
  policy: Policy;
  /** Built on first use: only the steps that touch the repository read the token. */
  repo: () => Promise<SourceRepository>;
}

const secrets = new SecretsManagerClient({});

/** Reads the GitHub token from Secrets Manager (never from the environment). */
async function githubRepoFromEnv(): Promise<SourceRepository> {
  const secretArn = process.env.GITHUB_TOKEN_SECRET_ARN;
  const repository = process.env.GITHUB_REPOSITORY;
  if (!secretArn || !repository) {
    throw new SentinelError('GITHUB_TOKEN_SECRET_ARN and GITHUB_REPOSITORY must be set for repository steps');
  }
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) throw new SentinelError(`GITHUB_REPOSITORY must be owner/name (got "${repository}")`);
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!secret.SecretString) throw new SentinelError(`secret ${secretArn} holds no token`);
  return new GitHubRepo({
    owner,
    repo,
    token: secret.SecretString.trim(),
    baseUrl: process.env.GITHUB_API_URL,
  });
}

let cached: WorkflowDeps | undefined;
let cachedRepo: Promise<SourceRepository> | undefined;

/** Built once per Lambda container, on the first invocation. */
export function cloudWorkflowDeps(): WorkflowDeps {
  if (cached) return cached;
  const policy = policyFromEnv();
  cached = {
    incidents: incidentStoreFromEnv(),
    metrics: metricsStoreFromEnv(policy),
    notifier: notifierFromEnv(),
    clock: systemClock,
    policy,
    repo: () => {
      cachedRepo ??= githubRepoFromEnv().catch((error: unknown) => {
        cachedRepo = undefined;
        throw error;
      });
      return cachedRepo;
    },
  };
  return cached;
}
