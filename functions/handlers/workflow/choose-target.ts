/** Workflow step ChooseTarget: the last stable version and the procedure (A/B/C). */
import { chooseTarget } from '../../core/workflow/revert.ts';
import { parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const { make, handler } = workflowStep('choose-target', async (deps, payload) =>
  chooseTarget({ ...deps, repo: await deps.repo() }, parseState(payload)),
);
