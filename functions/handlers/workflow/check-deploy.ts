/** Workflow step CheckDeploy: is the restored version live yet? Fails past the deploy deadline. */
import { checkDeploy } from '../../core/workflow/check-deploy.ts';
import { parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const { make, handler } = workflowStep('check-deploy', (deps, payload) =>
  checkDeploy(deps, parseState(payload)),
);
