import type { Clock, IncidentStore, Notifier, Topic } from '../../ports.ts';
import { escalationMessage, rollbackStartedMessage } from '../incident/messages.ts';
import { loadIncident, recordTransition } from '../incident/record.ts';
import type { WorkflowState } from './state.ts';

export interface NotifyDeps {
  incidents: IncidentStore;
  notifier: Notifier;
  clock: Clock;
}

/**
 * Pre-rollback checklist, "notify team": one message per incident start. An automatic trigger
 * goes straight to the revert, so NotifyStart pages now, and so does a person's own rollback
 * (`manual`: an alert naming who and why). A manual trigger (any other decision, exactly the executions the NeedsApproval? choice sends to WaitForApproval) is
 * announced by the approval request itself — evidence, versions, procedure, links and CLI
 * commands in one alert — so NotifyStart only records that and sends nothing.
 */
export async function notifyStart(deps: NotifyDeps, state: WorkflowState): Promise<{ topic: Topic | null }> {
  const incident = await loadIncident(deps.incidents, state.incidentId);
  // A person's rollback ('manual') goes straight to the revert too: the team hears who and why.
  if (state.decision !== 'rollback' && state.decision !== 'manual') {
    await recordTransition(deps.incidents, state.incidentId, deps.clock.now(), {
      state: 'NotifyStart',
      actor: 'workflow',
      note: 'manual trigger: nothing sent here, the approval request (WaitForApproval) is the notification',
    });
    return { topic: null };
  }
  const message = rollbackStartedMessage(incident);
  await deps.notifier.publish(message);
  await recordTransition(deps.incidents, state.incidentId, deps.clock.now(), {
    state: 'NotifyStart',
    actor: 'workflow',
    note: `notified ${message.topic}: ${message.subject}`,
  });
  return { topic: message.topic };
}

/**
 * Any failure or timeout ends here: page a human, then close the incident as escalated. The page
 * goes out first: a page is what gets a person involved, and it must not depend on the incident
 * store (the record can be repaired by hand; a page that never left cannot). If the record write
 * then fails, the step fails and the execution ends FAILED, which the workflow's safety-net rule
 * pages for again: a duplicate page rather than none.
 */
export async function escalate(
  deps: NotifyDeps,
  state: WorkflowState,
): Promise<{ escalated: true; reason: string }> {
  const reason = describeFailure(state.error);
  const now = deps.clock.now();
  const current = await loadIncident(deps.incidents, state.incidentId);
  await deps.notifier.publish(escalationMessage(current, reason));
  const incident = await recordTransition(
    deps.incidents,
    state.incidentId,
    now,
    { state: 'Escalate', actor: 'workflow', note: reason, status: 'escalated' },
    () => ({ outcome: 'escalated' as const, escalation: { reason, at: now.toISOString() } }),
  );
  await deps.incidents.releaseLock(incident);
  return { escalated: true, reason };
}

function describeFailure(error: WorkflowState['error']): string {
  if (!error) return 'the workflow failed';
  const cause = parseCause(error.Cause);
  return [error.Error, cause].filter(Boolean).join(': ') || 'the workflow failed';
}

/** Lambda failures arrive as a JSON Cause with errorMessage; other causes are plain text. */
function parseCause(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    return parsed.errorMessage ?? cause;
  } catch {
    return cause;
  }
}
