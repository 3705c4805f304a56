/** Workflow step ChooseTarget: the last stable version and the procedure (A/B/C). */
import { chooseTarget } from '../../core/workflow/revert.ts';
import { parseState } from './payload.ts';
import { revertDepsFromEnv } from './repository-deps.ts';
import { workflowStep } from './step.ts';

export const handler = workflowStep('choose-target', revertDepsFromEnv, (deps, payload) =>
  chooseTarget(deps, parseState(payload)),
);
