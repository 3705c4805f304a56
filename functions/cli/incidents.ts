import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Incident } from '../core/incident/incident.ts';
import { loadIncident } from '../core/incident/record.ts';
import type { Policy } from '../core/policy.ts';
import { describeVersion } from '../core/version.ts';
import { rcaFor } from '../core/workflow/complete.ts';
import type { Clock, IncidentStore, MetricsStore } from '../ports.ts';

/** One row of `sentinel incidents`. */
export interface IncidentRow {
  id: string;
  status: string;
  version: string;
  triggers: string;
  opened: string;
  outcome: string;
}

export function incidentRow(incident: Incident): IncidentRow {
  return {
    id: incident.id,
    status: incident.status,
    version: describeVersion(incident.version),
    triggers: incident.triggers.map((trigger) => trigger.id).join(',') || '-',
    opened: incident.openedAt,
    outcome: incident.outcome ?? '-',
  };
}

/** A plain text table, columns padded to their widest cell. */
export function formatIncidentTable(incidents: readonly Incident[]): string {
  if (incidents.length === 0) return 'no incidents';
  const headers: IncidentRow = {
    id: 'ID',
    status: 'STATUS',
    version: 'VERSION',
    triggers: 'TRIGGERS',
    opened: 'OPENED',
    outcome: 'OUTCOME',
  };
  const rows = [headers, ...incidents.map(incidentRow)];
  const keys = Object.keys(headers) as (keyof IncidentRow)[];
  const widths = keys.map((key) => Math.max(...rows.map((row) => row[key].length)));
  return rows
    .map((row) =>
      keys
        .map((key, index) => row[key].padEnd(widths[index] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export async function listIncidents(incidents: IncidentStore, limit = 50): Promise<Incident[]> {
  return incidents.list(limit);
}

/** `sentinel incident ID`: the record in words, timeline included. */
export function formatIncident(incident: Incident): string {
  const lines = [
    `incident   ${incident.id}`,
    `service    ${incident.service}`,
    `status     ${incident.status}${incident.outcome ? ` (outcome ${incident.outcome})` : ''}`,
    `decision   ${incident.decision}`,
    `from       ${describeVersion(incident.version)}`,
    `to         ${incident.target ? `${describeVersion(incident.target.version)} at ${incident.target.ref}, procedure ${incident.target.procedure}` : '-'}`,
    `commit     ${incident.revert ? `${incident.revert.sha}${incident.revert.url ? ` ${incident.revert.url}` : ''}${incident.revert.dryRun ? ' (dry run)' : ''}` : '-'}`,
    ...(incident.revert?.pullRequestUrl ? [`pull req.  ${incident.revert.pullRequestUrl}`] : []),
    `opened     ${incident.openedAt}`,
    `deployed   ${incident.deployedAt ?? '-'}`,
    ...(incident.approval
      ? [
          `approval   requested ${incident.approval.requestedAt}${
            incident.approval.decidedAt
              ? `; ${incident.approval.approved ? 'approved' : 'rejected'} by ${incident.approval.by} at ${incident.approval.decidedAt}`
              : incident.approval.expiresAt
                ? `; pending until ${incident.approval.expiresAt}`
                : '; pending'
          }`,
        ]
      : []),
    ...(incident.escalation ? [`escalated  ${incident.escalation.at}: ${incident.escalation.reason}`] : []),
    '',
    'triggers',
    ...incident.triggers.map(
      (trigger) =>
        `  ${trigger.id} (${trigger.kind}) ${trigger.outcome}: value ${trigger.value ?? 'n/a'} vs threshold ${trigger.threshold} — ${trigger.reason}`,
    ),
    '',
    'verification',
    ...(incident.verification.length === 0
      ? ['  -']
      : incident.verification.map(
          (stage) =>
            `  ${stage.stage} ${stage.outcome} (attempt ${stage.attempt}, ${stage.at}): ${stage.checks
              .map((check) => `${check.id} ${check.outcome}`)
              .join(', ')}`,
        )),
    '',
    'timeline',
    ...incident.timeline.map(
      (entry) => `  ${entry.at}  ${entry.state.padEnd(16)} ${entry.actor.padEnd(14)} ${entry.note}`,
    ),
  ];
  return lines.join('\n');
}

export async function showIncident(incidents: IncidentStore, id: string): Promise<Incident> {
  return loadIncident(incidents, id);
}

/** `sentinel rca ID`: writes `<id>.md` and the chart SVG into `outDir`; returns the paths. */
export async function writeRca(
  deps: { incidents: IncidentStore; metrics: MetricsStore; policy: Policy; clock: Clock },
  id: string,
  outDir: string,
): Promise<{ markdown: string; chart: string }> {
  const rca = await rcaFor(deps, id);
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const markdown = join(dir, `${id}.md`);
  const chart = join(dir, rca.chartFile);
  await writeFile(markdown, rca.markdown);
  await writeFile(chart, rca.chartSvg);
  return { markdown, chart };
}
