/** Workflow step WaitForApproval (`.waitForTaskToken`): park the token and send the approval request. */
import { requestApproval } from '../../core/workflow/approval.ts';
import { parseApprovalPayload, parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const { make, handler } = workflowStep('request-approval', async (deps, payload) => {
  const { taskToken, state } = parseApprovalPayload(payload);
  const { expiresAt } = await requestApproval(deps, parseState(state), taskToken);
  return { waiting: true, expiresAt };
});
