import type { IncidentStore } from '../../ports.ts';
import { SentinelError } from '../errors.ts';
import { type Incident, isClosed } from './incident.ts';
import { loadIncident, recordTransition } from './record.ts';

/** Closing an incident that has ended already would rewrite its outcome. */
export class IncidentAlreadyClosedError extends SentinelError {
  override readonly name = 'IncidentAlreadyClosedError';
}

/**
 * A person ends an incident that nothing else will end (a manual rollback on a working copy, a
 * workflow that died): recorded with who and why, and the version's lock released so it can be
 * judged (and rolled back) again.
 */
export async function closeIncident(
  incidents: IncidentStore,
  id: string,
  request: { by: string; reason: string; now: Date },
): Promise<Incident> {
  const incident = await loadIncident(incidents, id);
  if (isClosed(incident)) {
    throw new IncidentAlreadyClosedError(`incident ${id} is ${incident.status} already; nothing to close`);
  }
  const at = request.now.toISOString();
  const closed = await recordTransition(
    incidents,
    id,
    request.now,
    {
      state: 'Closed',
      actor: request.by,
      note: `closed by hand (was ${incident.status}): ${request.reason}`,
      status: 'closed',
    },
    () => ({ outcome: 'closed' as const, closure: { by: request.by, reason: request.reason, at } }),
  );
  await incidents.releaseLock(closed);
  return closed;
}
