/** Workflow step CaptureState: snapshot the versions and metrics into the incident. */
import { captureState } from '../../core/workflow/confirm-trigger.ts';
import { evaluationDepsFromEnv } from './evaluation-deps.ts';
import { parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const handler = workflowStep('capture-state', evaluationDepsFromEnv, (deps, payload) =>
  captureState(deps, parseState(payload)),
);
