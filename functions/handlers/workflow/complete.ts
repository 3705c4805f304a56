/** Workflow step Complete / RecordRejection: close the incident, draft the RCA, release the lock. */
import { complete } from '../../core/workflow/complete.ts';
import { parseOutcomePayload, parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const { make, handler } = workflowStep('complete', (deps, payload) => {
  const { outcome, state } = parseOutcomePayload(payload);
  return complete(deps, outcome, parseState(state));
});
