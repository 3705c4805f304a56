import {
  type ApprovalAnswer,
  ApprovalStateError,
  alreadyAnswered,
  onFreshRecord,
  pendingNonce,
  saveUnlessRaced,
  withAnswer,
} from '../approval/answer.ts';
import { parseSigningKeys } from '../approval/keys.ts';
import { type ApprovalDecision, approvalNonce, approvalUrl, signApproval } from '../approval/link.ts';
import { parseDuration } from '../duration.ts';
import { type ApprovalInstructions, approvalRequestMessage } from '../incident/messages.ts';
import { recordTransition } from '../incident/record.ts';
import type { Policy } from '../policy.ts';
import type { NotifyDeps } from './notify.ts';
import type { WorkflowState } from './state.ts';

/** Where one-click approval links point, and the secret holding the signing keys (cloud only). */
export interface ApprovalLinks {
  baseUrl: string;
  /** The signing secret's value: a key, or `{"current", "previous"}` during a rotation (keys.ts). */
  signingKey: () => Promise<string>;
}

export interface RequestApprovalDeps extends NotifyDeps {
  policy: Pick<Policy, 'workflow'>;
  /** Absent locally: the request then names the CLI commands only. */
  approvalLinks?: ApprovalLinks;
}

export { type ApprovalAnswer, ApprovalStateError };

/**
 * The approval timeout is spent in two halves: the request, then — if nobody answered — one
 * reminder with a fresh token; when that half runs out too, the workflow escalates with a page.
 */
export function approvalWaitMs(policy: Pick<Policy, 'workflow'>): number {
  return Math.floor(parseDuration(policy.workflow.approvalTimeout) / 2);
}

/**
 * A manual trigger waits here: the task token goes into the record, where `sentinel approve` (or
 * the approval endpoint) finds it, and the request (or, the second time, the reminder) goes out.
 */
export async function requestApproval(
  deps: RequestApprovalDeps,
  state: WorkflowState,
  taskToken: string,
  options: { reminder?: boolean } = {},
): Promise<{ expiresAt: string }> {
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + approvalWaitMs(deps.policy));
  const waiting = `until ${expiresAt.toISOString()}: sentinel approve ${state.incidentId} | sentinel reject ${state.incidentId}`;
  const incident = await recordTransition(
    deps.incidents,
    state.incidentId,
    now,
    {
      state: options.reminder ? 'RemindApproval' : 'WaitForApproval',
      actor: 'workflow',
      note: options.reminder
        ? `no answer yet: reminder sent; waiting ${waiting}`
        : `waiting for a person ${waiting}`,
      status: 'awaiting_approval',
    },
    () => ({
      approval: {
        taskToken,
        nonce: approvalNonce(taskToken),
        requestedAt: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
      },
    }),
  );
  const instructions: ApprovalInstructions = { expiresAt: expiresAt.toISOString() };
  if (deps.approvalLinks) {
    const key = parseSigningKeys(await deps.approvalLinks.signingKey()).current;
    const fields = {
      incident: incident.id,
      expires: Math.floor(expiresAt.getTime() / 1000),
      nonce: approvalNonce(taskToken),
    };
    const link = (decision: ApprovalDecision) =>
      approvalUrl(deps.approvalLinks?.baseUrl ?? '', signApproval(key, { ...fields, decision }));
    instructions.approveUrl = link('approve');
    instructions.rejectUrl = link('reject');
  }
  const message = approvalRequestMessage(incident, instructions);
  await deps.notifier.publish(
    options.reminder ? { ...message, subject: `[Reminder] ${message.subject}`.slice(0, 100) } : message,
  );
  return { expiresAt: expiresAt.toISOString() };
}

/**
 * Records a person's answer (`sentinel approve|reject`) and returns the task token to resume the
 * workflow with. One read, then one conditional write guarded on that read's request still being
 * pending and unanswered, so of two racing answers exactly one is recorded and the other refused.
 */
export async function answerApproval(
  deps: Pick<NotifyDeps, 'incidents' | 'clock'>,
  incidentId: string,
  answer: ApprovalAnswer,
): Promise<{ taskToken: string }> {
  return onFreshRecord(deps.incidents, incidentId, async (incident) => {
    const approval = incident.approval;
    if (approval?.decidedAt) throw alreadyAnswered(incident);
    if (incident.status !== 'awaiting_approval' || !approval) {
      throw new ApprovalStateError(`incident ${incidentId} is ${incident.status}, not awaiting approval`);
    }
    const now = deps.clock.now();
    if (approval.expiresAt && now.getTime() > Date.parse(approval.expiresAt))
      throw new ApprovalStateError(
        `the approval request of incident ${incidentId} expired at ${approval.expiresAt}`,
      );
    const saved = await saveUnlessRaced(deps.incidents, withAnswer(incident, now, answer), incident, {
      pendingApproval: pendingNonce(approval),
    });
    return saved && { taskToken: approval.taskToken };
  });
}
