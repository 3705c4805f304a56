/** Workflow step CheckDeploy: is the restored version live yet (and its commit's checks green)? Fails past the deploy deadline. */
import { githubRepoFromEnv } from '../../commons/github.ts';
import { checkDeploy } from '../../core/workflow/check-deploy.ts';
import { evaluationDepsFromEnv } from './evaluation-deps.ts';
import { parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const handler = workflowStep(
  'check-deploy',
  async () => ({ ...evaluationDepsFromEnv(), repo: await githubRepoFromEnv() }),
  (deps, payload) => checkDeploy(deps, parseState(payload)),
);
