/** Workflow step Verify{Immediate,ShortTerm,LongTerm}: one Lambda, the stage comes in the payload. */
import { verify } from '../../core/workflow/verify.ts';
import { evaluationDepsFromEnv } from './evaluation-deps.ts';
import { parseStagePayload, parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const handler = workflowStep('verify', evaluationDepsFromEnv, (deps, payload) => {
  const { stage, state } = parseStagePayload(payload);
  return verify(deps, stage, parseState(state));
});
