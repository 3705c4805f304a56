import {
  type ApprovalDecision,
  type ApprovalLinkParams,
  approvalNonce,
  approvalUrl,
  signApproval,
  verifyApproval,
} from '../approval/link.ts';
import { parseDuration } from '../duration.ts';
import { SentinelError } from '../errors.ts';
import { type ApprovalInstructions, approvalRequestMessage } from '../incident/messages.ts';
import { loadIncident, recordTransition } from '../incident/record.ts';
import type { Policy } from '../policy.ts';
import type { NotifyDeps } from './notify.ts';
import type { WorkflowState } from './state.ts';

/** Where one-click approval links point, and the key that signs them (cloud only). */
export interface ApprovalLinks {
  baseUrl: string;
  signingKey: () => Promise<string>;
}

export interface RequestApprovalDeps extends NotifyDeps {
  policy: Pick<Policy, 'workflow'>;
  /** Absent locally: the request then names the CLI commands only. */
  approvalLinks?: ApprovalLinks;
}

export class ApprovalStateError extends SentinelError {
  override readonly name = 'ApprovalStateError';
}

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
    () => ({ approval: { taskToken, requestedAt: now.toISOString(), expiresAt: expiresAt.toISOString() } }),
  );
  const instructions: ApprovalInstructions = { expiresAt: expiresAt.toISOString() };
  if (deps.approvalLinks) {
    const key = await deps.approvalLinks.signingKey();
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

export interface ApprovalAnswer {
  approved: boolean;
  by: string;
  note: string;
}

/**
 * Records a person's answer and returns the task token to resume the workflow with. Answering
 * twice is refused, so a replayed approval never resumes anything.
 */
export async function answerApproval(
  deps: Pick<NotifyDeps, 'incidents' | 'clock'>,
  incidentId: string,
  answer: ApprovalAnswer,
): Promise<{ taskToken: string }> {
  const incident = await loadIncident(deps.incidents, incidentId);
  const approval = incident.approval;
  if (incident.status !== 'awaiting_approval' || !approval) {
    throw new ApprovalStateError(`incident ${incidentId} is ${incident.status}, not awaiting approval`);
  }
  if (approval.decidedAt)
    throw new ApprovalStateError(`incident ${incidentId} was already answered by ${approval.by}`);
  const now = deps.clock.now();
  if (approval.expiresAt && now.getTime() > Date.parse(approval.expiresAt))
    throw new ApprovalStateError(
      `the approval request of incident ${incidentId} expired at ${approval.expiresAt}`,
    );
  await recordTransition(
    deps.incidents,
    incidentId,
    now,
    {
      state: answer.approved ? 'Approved' : 'Rejected',
      actor: answer.by,
      note: answer.note || (answer.approved ? 'rollback approved' : 'rollback rejected'),
      status: answer.approved ? 'reverting' : 'awaiting_approval',
    },
    (current) => ({
      approval: { ...approval, ...current.approval, decidedAt: now.toISOString(), ...answer },
    }),
  );
  return { taskToken: approval.taskToken };
}

/**
 * The approval endpoint's core: checks a signed link against the pending request (signature,
 * expiry, and the nonce of the task token still waiting — an answered request has none, so a
 * replayed link is refused), then records the answer exactly once.
 */
export async function answerByLink(
  deps: Pick<NotifyDeps, 'incidents' | 'clock'>,
  signingKey: string,
  params: ApprovalLinkParams,
): Promise<{ taskToken: string; answer: ApprovalAnswer }> {
  const incident = await loadIncident(deps.incidents, params.incident);
  const approval = incident.approval;
  const pending =
    incident.status === 'awaiting_approval' && approval && !approval.decidedAt
      ? approvalNonce(approval.taskToken)
      : undefined;
  verifyApproval(signingKey, params, deps.clock.now().getTime(), pending);
  const answer: ApprovalAnswer = {
    approved: params.decision === 'approve',
    by: 'approval-link',
    note: `${params.decision === 'approve' ? 'approved' : 'rejected'} through the signed link`,
  };
  const { taskToken } = await answerApproval(deps, incident.id, answer);
  return { taskToken, answer };
}
