import type { Incident } from '../../functions/core/incident/incident.ts';
import type { Version } from '../../functions/core/version.ts';
import type { Notification } from '../../functions/ports.ts';

/** A rollback incident as dispatch opens it at `openedAt`: no triggers, verification or timeline yet. */
export function openRollbackIncident(
  id: string,
  version: Version,
  service: string,
  openedAt: number,
): Incident {
  const at = new Date(openedAt).toISOString();
  return {
    id,
    service,
    version,
    decision: 'rollback',
    status: 'open',
    openedAt: at,
    updatedAt: at,
    triggers: [],
    executionName: `rollback-${id}`,
    verification: [],
    timeline: [],
  };
}

/** A Notifier that only keeps what it was given. */
export class RecordingNotifier {
  readonly sent: Notification[] = [];
  async publish(notification: Notification): Promise<void> {
    this.sent.push(notification);
  }
}
