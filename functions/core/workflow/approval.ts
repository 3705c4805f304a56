import { SentinelError } from '../errors.ts';
import { loadIncident, recordTransition } from '../incident/record.ts';
import type { NotifyDeps } from './notify.ts';
import type { WorkflowState } from './state.ts';

export class ApprovalStateError extends SentinelError {
  override readonly name = 'ApprovalStateError';
}

/**
 * A manual trigger waits here: the task token goes into the record, where `sentinel approve` (or
 * the approval endpoint) finds it. The notification with the instructions went out in NotifyStart.
 */
export async function requestApproval(
  deps: NotifyDeps,
  state: WorkflowState,
  taskToken: string,
): Promise<void> {
  const now = deps.clock.now();
  await recordTransition(
    deps.incidents,
    state.incidentId,
    now,
    {
      state: 'WaitForApproval',
      actor: 'workflow',
      note: `waiting for a person: sentinel approve ${state.incidentId} | sentinel reject ${state.incidentId}`,
      status: 'awaiting_approval',
    },
    () => ({ approval: { taskToken, requestedAt: now.toISOString() } }),
  );
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
