/** Workflow step Escalate: page a human and close the incident as escalated. */
import { escalate } from '../../core/workflow/notify.ts';
import { parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const { make, handler } = workflowStep('escalate', (deps, payload) =>
  escalate(deps, parseState(payload)),
);
