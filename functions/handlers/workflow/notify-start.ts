/** Workflow step NotifyStart: page for automatic triggers; for manual ones the approval request is the notification. */
import { notifyStart } from '../../core/workflow/notify.ts';
import { notifyDepsFromEnv } from './notify-deps.ts';
import { parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const handler = workflowStep('notify-start', notifyDepsFromEnv, (deps, payload) =>
  notifyStart(deps, parseState(payload)),
);
