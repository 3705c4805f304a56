import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GitHubRepo } from '../adapters/github-repo.ts';
import { SentinelError } from '../core/errors.ts';
import type { Policy } from '../core/policy.ts';
import type { ApprovalLinks } from '../core/workflow/approval.ts';
import type {
  Clock,
  ControlStore,
  IncidentStore,
  MetricsStore,
  Notifier,
  SourceRepository,
  VersionRegistry,
} from '../ports.ts';
import {
  controlStoreFromEnv,
  incidentStoreFromEnv,
  metricsStoreFromEnv,
  notifierFromEnv,
  policyFromEnv,
  systemClock,
  versionRegistryFromEnv,
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
  /** The kill switch RevertCommit reads before it writes. */
  control: ControlStore;
  /** Signed one-click approval links (cloud); absent locally. */
  approvalLinks?: ApprovalLinks;
  /** The version registry: ChooseTarget reads it, Complete records the outcome. */
  versions: VersionRegistry;
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

/** The approval link key, read from Secrets Manager once per container and only when needed. */
let cachedSigningKey: Promise<string> | undefined;
function approvalLinksFromEnv(): ApprovalLinks | undefined {
  const baseUrl = process.env.APPROVAL_URL;
  const secretArn = process.env.APPROVAL_SIGNING_SECRET_ARN;
  if (!baseUrl || !secretArn) return undefined;
  return {
    baseUrl,
    signingKey: () => {
      cachedSigningKey ??= readSecret(secretArn).catch((error: unknown) => {
        cachedSigningKey = undefined;
        throw error;
      });
      return cachedSigningKey;
    },
  };
}

export async function readSecret(secretArn: string): Promise<string> {
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!secret.SecretString) throw new SentinelError(`secret ${secretArn} holds no value`);
  return secret.SecretString.trim();
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
    control: controlStoreFromEnv(),
    approvalLinks: approvalLinksFromEnv(),
    versions: versionRegistryFromEnv(),
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
