/** Workflow step NotifyStart: page for automatic triggers, alert and ask for approval otherwise. */
import { notifyStart } from '../../core/workflow/notify.ts';
import { parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const { make, handler } = workflowStep('notify-start', (deps, payload) =>
  notifyStart(deps, parseState(payload)),
);
