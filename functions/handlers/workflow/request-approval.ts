/** Workflow step WaitForApproval (`.waitForTaskToken`): park the token where a person's answer finds it. */
import { requestApproval } from '../../core/workflow/approval.ts';
import { parseApprovalPayload, parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const { make, handler } = workflowStep('request-approval', async (deps, payload) => {
  const { taskToken, state } = parseApprovalPayload(payload);
  await requestApproval(deps, parseState(state), taskToken);
  return { waiting: true };
});
