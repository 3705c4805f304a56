/**
 * A person's rollback (`sentinel rollback`): the same workflow as a trigger's, started with
 * decision `manual`. The operator is the approval, so it goes straight to the revert; ConfirmTrigger
 * opens the incident (one per version, the same lock), so starting it needs only StartExecution.
 */
import type { IncidentStore } from '../../ports.ts';
import { SentinelError } from '../errors.ts';
import type { Version } from '../version.ts';
import type { WorkflowInput } from './dispatch.ts';
import { executionNameFor, type Incident } from './incident.ts';

/** Another incident is open for the version: a second rollback would race it. */
export class IncidentAlreadyOpenError extends SentinelError {
  override readonly name = 'IncidentAlreadyOpenError';
}

export interface ManualRequest {
  service: string;
  version: Version;
  by: string;
  reason: string;
  at: Date;
  /** A few random characters, so two requests in one second get two incidents. */
  nonce: string;
}

export interface ManualWorkflowInput extends WorkflowInput {
  decision: 'manual';
  request: { by: string; reason: string };
}

export function manualIncidentId(request: Pick<ManualRequest, 'at' | 'nonce'>): string {
  const stamp = request.at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `inc-manual-${stamp}-${request.nonce}`;
}

/** The execution input (and, through `executionNameFor`, the execution name) of a manual rollback. */
export function manualWorkflowInput(request: ManualRequest): {
  executionName: string;
  input: ManualWorkflowInput;
} {
  const incidentId = manualIncidentId(request);
  return {
    executionName: executionNameFor(incidentId),
    input: {
      incidentId,
      service: request.service,
      version: request.version,
      decision: 'manual',
      triggers: [],
      request: { by: request.by, reason: request.reason },
    },
  };
}

/**
 * Opens the manual incident unless it exists already (a retried ConfirmTrigger); refuses when
 * another incident holds the version's lock.
 */
export async function openManualIncident(
  incidents: IncidentStore,
  input: WorkflowInput & { request?: { by: string; reason: string } },
  now: Date,
  executionName: string,
): Promise<Incident> {
  const existing = await incidents.get(input.incidentId);
  if (existing) return existing;
  const at = now.toISOString();
  const request = input.request ?? { by: 'unknown', reason: 'manual rollback' };
  const { created, incident } = await incidents.openIncident({
    id: input.incidentId,
    service: input.service,
    version: input.version,
    decision: 'manual',
    request: { ...request, at },
    status: 'open',
    openedAt: at,
    updatedAt: at,
    triggers: [],
    executionName,
    verification: [],
    timeline: [{ at, state: 'Requested', actor: request.by, note: `manual rollback: ${request.reason}` }],
  });
  if (!created && incident.id !== input.incidentId) {
    throw new IncidentAlreadyOpenError(
      `incident ${incident.id} is open for this version (${incident.status}); let it finish or close it with sentinel incident close`,
    );
  }
  return incident;
}
