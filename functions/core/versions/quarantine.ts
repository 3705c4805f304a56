import type { Notification } from '../../ports.ts';
import type { VersionSighting } from '../aggregate.ts';
import { describeVersion } from '../version.ts';
import type { VersionRecord } from './registry.ts';

/** The page sent when a rolled-back version shows up in live traffic again (someone redeployed it). */
export function reappearanceMessage(record: VersionRecord, sighting: VersionSighting): Notification {
  const version = describeVersion(record.version);
  const incident = record.rolledBackBy ? ` (rolled back by incident ${record.rolledBackBy})` : '';
  return {
    topic: 'pages',
    subject: `P0 quarantined version back in traffic: ${version}`.slice(0, 100),
    body: [
      `${version} was rolled back${incident} and is quarantined, but live traffic reports it again.`,
      `Last seen: ${new Date(sighting.lastSeen).toISOString()}.`,
      `Status before this sighting: ${record.status}.`,
      'Next step: find the deploy that brought it back and roll that deploy back; Sentinel keeps evaluating it.',
    ].join('\n'),
    attributes: {
      severity: 'P0',
      ...(record.rolledBackBy ? { incidentId: record.rolledBackBy } : {}),
    },
  };
}
