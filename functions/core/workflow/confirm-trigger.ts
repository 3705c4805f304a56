import type { Clock, IncidentStore, MetricsStore } from '../../ports.ts';
import { loadEvaluationInput } from '../evaluation-input.ts';
import { executionNameFor } from '../incident/incident.ts';
import { openManualIncident } from '../incident/manual.ts';
import { recordTransition } from '../incident/record.ts';
import type { Policy } from '../policy.ts';
import { evaluateVersion } from '../triggers/evaluate.ts';
import type { WorkflowState } from './state.ts';

export interface EvaluationDeps {
  incidents: IncidentStore;
  metrics: MetricsStore;
  policy: Policy;
  clock: Clock;
}

/** Pre-rollback checklist, step 1: re-evaluate; a trigger that no longer breaches drops the incident. */
export async function confirmTrigger(
  deps: EvaluationDeps,
  state: WorkflowState,
): Promise<NonNullable<WorkflowState['confirm']>> {
  const now = deps.clock.now();
  if (state.decision === 'manual') return confirmManualRequest(deps, state, now);
  const evaluation = await evaluateAt(deps, now, state);
  const stillBreaching = evaluation.decision === 'rollback' || evaluation.decision === 'investigate';
  const breached = evaluation.triggers.filter((trigger) => trigger.outcome === 'breach');
  const incident = await recordTransition(
    deps.incidents,
    state.incidentId,
    now,
    stillBreaching
      ? {
          state: 'ConfirmTrigger',
          actor: 'workflow',
          note: `confirmed: ${breached.map((t) => t.reason).join('; ')}`,
        }
      : {
          state: 'ConfirmTrigger',
          actor: 'workflow',
          note: `no longer breaching (decision ${evaluation.decision}); dropped`,
          status: 'dropped',
        },
    () => (stillBreaching ? {} : { outcome: 'dropped' as const }),
  );
  if (!stillBreaching) await deps.incidents.releaseLock(incident);
  return { stillBreaching, decision: evaluation.decision };
}

/** A person asked: nothing to confirm but the request itself, which opens the incident. */
async function confirmManualRequest(
  deps: EvaluationDeps,
  state: WorkflowState,
  now: Date,
): Promise<NonNullable<WorkflowState['confirm']>> {
  const incident = await openManualIncident(deps.incidents, state, now, executionNameFor(state.incidentId));
  await recordTransition(deps.incidents, incident.id, now, {
    state: 'ConfirmTrigger',
    actor: 'workflow',
    note: `manual rollback requested by ${incident.request?.by ?? 'unknown'}: ${incident.request?.reason ?? ''}`,
  });
  return { stillBreaching: true, decision: 'manual' };
}

/** Pre-rollback checklist, "capture current state": the full evaluation goes into the record. */
export async function captureState(
  deps: EvaluationDeps,
  state: WorkflowState,
): Promise<NonNullable<WorkflowState['capture']>> {
  const now = deps.clock.now();
  const snapshot = await evaluateAt(deps, now, state);
  await recordTransition(
    deps.incidents,
    state.incidentId,
    now,
    {
      state: 'CaptureState',
      actor: 'workflow',
      note: `metrics snapshot taken (decision ${snapshot.decision})`,
    },
    () => ({ snapshot }),
  );
  return { capturedAt: now.toISOString() };
}

async function evaluateAt(deps: EvaluationDeps, now: Date, state: WorkflowState) {
  return evaluateVersion(await loadEvaluationInput(deps.metrics, deps.policy, now.getTime(), state.version));
}
