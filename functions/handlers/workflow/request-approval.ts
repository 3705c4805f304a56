/**
 * Workflow steps WaitForApproval and RemindApproval (`.waitForTaskToken`): park the token and send
 * the approval request, or the reminder when the first half of the approval timeout passed.
 */
import { approvalLinksFromEnv } from '../../commons/approval-links.ts';
import { policyFromEnv } from '../../commons/env.ts';
import { requestApproval } from '../../core/workflow/approval.ts';
import { notifyDepsFromEnv } from './notify-deps.ts';
import { parseApprovalPayload, parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const handler = workflowStep(
  'request-approval',
  () => ({ ...notifyDepsFromEnv(), policy: policyFromEnv(), approvalLinks: approvalLinksFromEnv() }),
  async (deps, payload) => {
    const { taskToken, state, reminder } = parseApprovalPayload(payload);
    const { expiresAt } = await requestApproval(deps, parseState(state), taskToken, { reminder });
    return { waiting: true, expiresAt };
  },
);
