import type { Clock, IncidentStore, WorkflowStarter } from '../../ports.ts';
import type { Evaluation } from '../triggers/types.ts';
import { executionNameFor, firedTriggers, type Incident, incidentIdFor } from './incident.ts';

export interface DispatchDeps {
  incidents: IncidentStore;
  workflow: WorkflowStarter;
  clock: Clock;
  service: string;
}

export type DispatchResult =
  | { action: 'none'; reason: string }
  | { action: 'started' | 'already_running'; incidentId: string; executionName: string; created: boolean }
  | { action: 'already_open'; incidentId: string; status: Incident['status'] };

/** The input every rollback execution starts with (ARCHITECTURE.md §6). */
export interface WorkflowInput {
  incidentId: string;
  service: string;
  version: Incident['version'];
  decision: Incident['decision'];
  triggers: string[];
}

export function workflowInputFor(incident: Incident): WorkflowInput {
  return {
    incidentId: incident.id,
    service: incident.service,
    version: incident.version,
    decision: incident.decision,
    triggers: incident.triggers.map((trigger) => trigger.id),
  };
}

/**
 * Turns an evaluation into at most one rollback workflow per (service, version): the incident
 * store's conditional lock picks one incident, and the execution name derived from its id makes
 * a repeated start — duplicate alarm, next schedule tick, racing invocation, retry after a crash
 * between the lock and the start — a no-op.
 */
export async function dispatch(deps: DispatchDeps, evaluation: Evaluation): Promise<DispatchResult> {
  if (evaluation.decision !== 'rollback' && evaluation.decision !== 'investigate') {
    return { action: 'none', reason: `decision is ${evaluation.decision}` };
  }
  const now = deps.clock.now();
  const id = incidentIdFor(deps.service, evaluation.version, now.getTime());
  const fired = firedTriggers(evaluation);
  const proposed: Incident = {
    id,
    service: deps.service,
    version: evaluation.version,
    decision: evaluation.decision,
    status: 'open',
    openedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    triggers: fired,
    executionName: executionNameFor(id),
    verification: [],
    timeline: [
      {
        at: now.toISOString(),
        state: 'Detected',
        actor: 'dispatcher',
        note: `${evaluation.decision}: ${fired.map((trigger) => trigger.reason).join('; ')}`,
      },
    ],
  };
  const { created, incident } = await deps.incidents.openIncident(proposed);
  if (incident.status !== 'open') {
    return { action: 'already_open', incidentId: incident.id, status: incident.status };
  }
  const started = await deps.workflow.start(incident.executionName, workflowInputFor(incident));
  return {
    action: started.alreadyStarted ? 'already_running' : 'started',
    incidentId: incident.id,
    executionName: incident.executionName,
    created,
  };
}
