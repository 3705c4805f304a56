import { githubRepoFromEnv } from '../../commons/github.ts';
import { smokeClassifierFor } from '../../commons/smoke.ts';
import { versionRegistryFromEnv } from '../../commons/table.ts';
import type { RevertDeps } from '../../core/workflow/revert.ts';
import { evaluationDepsFromEnv } from './evaluation-deps.ts';

/**
 * ChooseTarget and RevertCommit: the repository (token from Secrets Manager), the version registry
 * and, when the policy configures `validation.smoke.url`, procedure A's smoke classifier (an HTTPS
 * call, no AWS API: nothing to grant).
 */
export async function revertDepsFromEnv(): Promise<RevertDeps> {
  const deps = evaluationDepsFromEnv();
  return {
    ...deps,
    versions: versionRegistryFromEnv(),
    repo: await githubRepoFromEnv(),
    smoke: smokeClassifierFor(deps.policy),
  };
}
