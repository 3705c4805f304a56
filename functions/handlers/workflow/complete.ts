/** Workflow step Complete / RecordRejection: close the incident, draft the RCA, release the lock. */
import { versionRegistryFromEnv } from '../../commons/table.ts';
import { complete } from '../../core/workflow/complete.ts';
import { evaluationDepsFromEnv } from './evaluation-deps.ts';
import { notifyDepsFromEnv } from './notify-deps.ts';
import { parseOutcomePayload, parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const handler = workflowStep(
  'complete',
  () => ({ ...evaluationDepsFromEnv(), ...notifyDepsFromEnv(), versions: versionRegistryFromEnv() }),
  (deps, payload) => {
    const { outcome, state } = parseOutcomePayload(payload);
    return complete(deps, outcome, parseState(state));
  },
);
