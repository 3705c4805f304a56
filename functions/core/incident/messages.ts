import type { Notification } from '../../ports.ts';
import type { TriggerResult } from '../triggers/types.ts';
import { describeVersion, type Version } from '../version.ts';
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

/**
 * P0 automatic triggers page. (A manual trigger's start is announced by the approval request,
 * approvalRequestMessage; the `alerts` branch stays for a decision NotifyStart does not expect.)
 */
export function rollbackStartedMessage(incident: Incident): Notification {
  if (incident.decision === 'manual') return manualRollbackStartedMessage(incident);
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
        : `Next step: an approval request with instructions follows (sentinel approve ${incident.id} | sentinel reject ${incident.id}).`,
    ]
      .filter((line) => line !== undefined)
      .join('\n'),
    attributes: attributes(incident, automatic ? 'P0' : 'P1'),
  };
}

/** A person's rollback: the team hears who asked and why (runbook "Notify team"). */
function manualRollbackStartedMessage(incident: Incident): Notification {
  const by = incident.request?.by ?? 'someone';
  return {
    topic: 'alerts',
    subject: subject(`[Manual rollback] ${incident.service} ${incident.version.prompt} by ${by}`),
    body: [
      `Incident ${incident.id}`,
      `Manual rollback requested by ${by}: ${incident.request?.reason ?? ''}`,
      '',
      versions(incident),
      incident.target ? `Procedure: ${incident.target.procedure}` : '',
      '',
      'Next step: the revert is committed, then the deploy and the restored version are verified.',
    ].join('\n'),
    attributes: attributes(incident, 'P1'),
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
      incident.revert?.pullRequestUrl ? `Pull request: ${incident.revert.pullRequestUrl}` : '',
      '',
      'Next step: take over by hand; Sentinel does not roll back further by itself.',
      `Record: sentinel incident ${incident.id}`,
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

/** A trigger in `warning` (decision watch): an email, deduplicated per trigger and version. */
/**
 * A trigger in warning. During close monitoring (the version first took live traffic at
 * `closeMonitoring.firstSeen`, less than `closeMonitoring.span` ago) it pages like a breach.
 */
export function warningMessage(
  service: string,
  version: Version,
  trigger: TriggerResult,
  closeMonitoring?: { firstSeen: number; span: string },
): Notification {
  const close = closeMonitoring !== undefined;
  return {
    topic: close ? 'pages' : 'alerts',
    subject: subject(
      `[${close ? 'Warning, new version' : 'Warning'}] ${service} ${version.prompt}: ${trigger.id} ${trigger.value ?? 'n/a'}`,
    ),
    body: [
      `${trigger.id} is in warning for ${describeVersion(version)}.`,
      ...(close
        ? [
            `The version first took live traffic at ${new Date(closeMonitoring.firstSeen).toISOString()}: ` +
              `within ${closeMonitoring.span} of that (close monitoring) a warning pages.`,
          ]
        : []),
      '',
      evidence([trigger]),
      `Warning threshold: ${trigger.warningThreshold ?? 'n/a'}; breach threshold: ${trigger.threshold}.`,
      '',
      close
        ? 'Next step: nothing is rolled back yet; look at the new version now (sentinel evaluate) and roll back by hand if it keeps degrading (sentinel rollback). Repeats are sent at most once an hour.'
        : 'Next step: nothing is rolled back; watch the trend (sentinel evaluate). Repeats are sent at most once an hour.',
    ].join('\n'),
    attributes: { severity: close ? 'P1' : 'P2', triggerIds: trigger.id },
  };
}

/**
 * An automatic trigger that has stayed inconclusive on a live version: it cannot roll back what it
 * cannot judge, so silence would read as health. Sent once per episode (evaluate-and-dispatch).
 */
export function inconclusiveMessage(
  service: string,
  version: Version,
  trigger: TriggerResult,
  span: string,
): Notification {
  return {
    topic: 'alerts',
    subject: subject(`[Inconclusive] ${service} ${version.prompt}: ${trigger.id} for over ${span}`),
    body: [
      `${trigger.id} (automatic) has been inconclusive for ${describeVersion(version)} for more than ${span}:`,
      'while it cannot judge, it cannot roll a bad version back.',
      '',
      evidence([trigger]),
      '',
      'Next step: check that the data it needs is arriving (GDS reports for precision and recall); ' +
        'sentinel evaluate shows the reason. This alert is sent once until the data changes.',
    ].join('\n'),
    attributes: { severity: 'P2', triggerIds: trigger.id },
  };
}

/** How a person answers an approval request: the CLI always, a signed link where one is configured. */
export interface ApprovalInstructions {
  approveUrl?: string;
  rejectUrl?: string;
  expiresAt: string;
}

/** WaitForApproval: the request, with the CLI commands and (in the cloud) one-click signed links. */
export function approvalRequestMessage(incident: Incident, instructions: ApprovalInstructions): Notification {
  const ids = incident.triggers.map((trigger) => trigger.id).join(', ');
  return {
    topic: 'alerts',
    subject: subject(`[Approve?] ${incident.service} ${incident.version.prompt} rollback: ${ids}`),
    body: [
      `Incident ${incident.id} waits for a decision until ${instructions.expiresAt}.`,
      'A manual trigger fired: investigate, then approve or reject the rollback. Nothing is committed before an answer.',
      '',
      'What fired:',
      evidence(incident.triggers),
      '',
      versions(incident),
      incident.target ? `Procedure: ${incident.target.procedure} (stable ref ${incident.target.ref})` : '',
      '',
      ...(instructions.approveUrl && instructions.rejectUrl
        ? [
            `Approve: ${instructions.approveUrl}`,
            `Reject:  ${instructions.rejectUrl}`,
            '(each link works once, until it expires)',
            '',
          ]
        : []),
      `Or from a shell: sentinel approve ${incident.id} --by NAME  |  sentinel reject ${incident.id} --by NAME`,
      'Without an answer the request expires and a human is paged.',
    ].join('\n'),
    attributes: attributes(incident, 'P1'),
  };
}

/** A second automatic breach inside the cooldown: no rollback, a page instead. */
export function cooldownReason(lastIncidentId: string, committedAt: string, cooldown: string): string {
  return (
    `cooldown: an automatic rollback was already committed at ${committedAt} (incident ${lastIncidentId}); ` +
    `at most one per ${cooldown}, so this breach is not rolled back automatically`
  );
}
