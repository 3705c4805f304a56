/** Workflow step CaptureState: snapshot the versions and metrics into the incident. */
import { captureState } from '../../core/workflow/confirm-trigger.ts';
import { parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const { make, handler } = workflowStep('capture-state', (deps, payload) =>
  captureState(deps, parseState(payload)),
);
