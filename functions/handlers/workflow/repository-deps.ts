import { githubRepoFromEnv } from '../../commons/github.ts';
import { versionRegistryFromEnv } from '../../commons/table.ts';
import type { RevertDeps } from '../../core/workflow/revert.ts';
import { evaluationDepsFromEnv } from './evaluation-deps.ts';

/** ChooseTarget and RevertCommit: the repository (token from Secrets Manager) and the version registry. */
export async function revertDepsFromEnv(): Promise<RevertDeps> {
  return { ...evaluationDepsFromEnv(), versions: versionRegistryFromEnv(), repo: await githubRepoFromEnv() };
}
