import type { IncidentStore } from '../../ports.ts';
import { SentinelError } from '../errors.ts';
import type { Incident, IncidentStatus } from './incident.ts';

export class IncidentNotFoundError extends SentinelError {
  override readonly name = 'IncidentNotFoundError';
  constructor(readonly incidentId: string) {
    super(`no incident ${incidentId}`);
  }
}

export async function loadIncident(incidents: IncidentStore, id: string): Promise<Incident> {
  const incident = await incidents.get(id);
  if (!incident) throw new IncidentNotFoundError(id);
  return incident;
}

export interface Transition {
  state: string;
  actor: string;
  note: string;
  status?: IncidentStatus;
}

/**
 * Applies a change and a timeline entry to an incident and saves it with an optimistic check,
 * so two writers never silently overwrite each other. Returns the saved record.
 */
export async function recordTransition(
  incidents: IncidentStore,
  id: string,
  now: Date,
  transition: Transition,
  change: (incident: Incident) => Partial<Incident> = () => ({}),
): Promise<Incident> {
  const incident = await loadIncident(incidents, id);
  const at = now.toISOString();
  const updated: Incident = {
    ...incident,
    ...change(incident),
    status: transition.status ?? incident.status,
    updatedAt: at === incident.updatedAt ? new Date(now.getTime() + 1).toISOString() : at,
    timeline: [
      ...incident.timeline,
      { at, state: transition.state, actor: transition.actor, note: transition.note },
    ],
  };
  await incidents.save(updated, incident.updatedAt);
  return updated;
}
