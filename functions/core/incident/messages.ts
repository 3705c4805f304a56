import type { Notification } from '../../ports.ts';
import type { TriggerResult } from '../triggers/types.ts';
import { describeVersion } from '../version.ts';
import type { Incident } from './incident.ts';

const SUBJECT_LIMIT = 100;

function subject(text: string): string {
  return text.length <= SUBJECT_LIMIT ? text : `${text.slice(0, SUBJECT_LIMIT - 1)}…`;
}

function evidence(triggers: readonly TriggerResult[]): string {
  return triggers
    .map(
      (trigger) =>
        `- ${trigger.id} (${trigger.kind}): ${trigger.reason} [value ${trigger.value ?? 'n/a'}, threshold ${trigger.threshold}]`,
    )
    .join('\n');
}

function versions(incident: Incident): string {
  const to = incident.target ? describeVersion(incident.target.version) : 'not chosen yet';
  return `From: ${describeVersion(incident.version)}\nTo:   ${to}`;
}

function attributes(
  incident: Incident,
  severity: Notification['attributes']['severity'],
): Notification['attributes'] {
  return {
    severity,
    incidentId: incident.id,
    triggerIds: incident.triggers.map((trigger) => trigger.id).join(','),
  };
}

/** P0 automatic triggers page; a manual trigger alerts and asks for approval. */
export function rollbackStartedMessage(incident: Incident): Notification {
  const automatic = incident.decision === 'rollback';
  const ids = incident.triggers.map((trigger) => trigger.id).join(', ');
  return {
    topic: automatic ? 'pages' : 'alerts',
    subject: subject(
      automatic
        ? `[P0] Rolling back ${incident.service} ${incident.version.prompt}: ${ids}`
        : `[Approval needed] ${incident.service} ${incident.version.prompt}: ${ids}`,
    ),
    body: [
      `Incident ${incident.id}`,
      automatic
        ? 'Automatic rollback started.'
        : 'A manual trigger fired: investigate, then approve or reject the rollback.',
      '',
      'What fired:',
      evidence(incident.triggers),
      '',
      versions(incident),
      incident.target ? `Procedure: ${incident.target.procedure}` : '',
      '',
      automatic
        ? 'Next step: the revert is committed, then the deploy and the restored version are verified.'
        : `Next step: sentinel approve ${incident.id}  (or: sentinel reject ${incident.id})`,
    ]
      .filter((line) => line !== undefined)
      .join('\n'),
    attributes: attributes(incident, automatic ? 'P0' : 'P1'),
  };
}

export function escalationMessage(incident: Incident, reason: string): Notification {
  return {
    topic: 'pages',
    subject: subject(`[Escalation] ${incident.service} incident ${incident.id} needs a human`),
    body: [
      `Incident ${incident.id} escalated: ${reason}`,
      '',
      'What fired:',
      evidence(incident.triggers),
      '',
      versions(incident),
      incident.revert ? `Commit: ${incident.revert.url ?? incident.revert.sha}` : 'No revert was committed.',
      '',
      'Next step: take over by hand; Sentinel does not roll back further by itself.',
    ].join('\n'),
    attributes: attributes(incident, 'P0'),
  };
}

export function rollbackFinishedMessage(incident: Incident): Notification {
  return {
    topic: 'alerts',
    subject: subject(
      `[Resolved] ${incident.service} rolled back to ${incident.target?.version.prompt ?? '?'}`,
    ),
    body: [
      `Incident ${incident.id} completed: the restored version passed every verification stage.`,
      '',
      versions(incident),
      incident.revert ? `Commit: ${incident.revert.url ?? incident.revert.sha}` : '',
      '',
      `Next step: fill in the RCA draft (sentinel rca ${incident.id}).`,
    ].join('\n'),
    attributes: attributes(incident, 'info'),
  };
}
