/** Workflow step CheckDeploy: is the restored version live yet (and its commit's checks green)? Fails past the deploy deadline. */
import { checkDeploy } from '../../core/workflow/check-deploy.ts';
import { parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const { make, handler } = workflowStep('check-deploy', async (deps, payload) =>
  checkDeploy({ ...deps, repo: await deps.repo() }, parseState(payload)),
);
