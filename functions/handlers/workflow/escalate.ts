/** Workflow step Escalate: page a human and close the incident as escalated. */
import { escalate } from '../../core/workflow/notify.ts';
import { notifyDepsFromEnv } from './notify-deps.ts';
import { parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const handler = workflowStep('escalate', notifyDepsFromEnv, (deps, payload) =>
  escalate(deps, parseState(payload)),
);
