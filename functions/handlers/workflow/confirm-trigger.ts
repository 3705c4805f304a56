/** Workflow step ConfirmTrigger: re-evaluate; drop the incident if it no longer breaches. */
import { confirmTrigger } from '../../core/workflow/confirm-trigger.ts';
import { evaluationDepsFromEnv } from './evaluation-deps.ts';
import { parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const handler = workflowStep('confirm-trigger', evaluationDepsFromEnv, (deps, payload) =>
  confirmTrigger(deps, parseState(payload)),
);
