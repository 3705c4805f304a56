import { type Incident, isClosed, type Procedure } from '../incident/incident.ts';
import type { TriggerResult } from '../triggers/types.ts';
import type { Version } from '../version.ts';
import { fenced, inline, prompt, table } from './markdown.ts';
import { formatElapsed, relativeMinutes, utcMinute, utcSecond } from './time.ts';

export interface RcaContext {
  /** Diff of the application's version file between the bad and the restored version. */
  versionFileDiff: string;
  impact: { emailsClassifiedByBadVersion: number; otpInCritical: number };
  /** File name of the metric chart (SVG) to link, relative to the RCA file. */
  chart?: string;
  /**
   * When the bad version first served live traffic (epoch ms; its first minute in the store).
   * Unknown: the incident is measured from detection, and the draft says so.
   */
  badVersionFirstLive?: number;
}

const PROCEDURES: Record<Procedure, string> = { A: 'prompt-only', B: 'model', C: 'full' };
/** Triggers where a lower value is worse; every other trigger breaches above its threshold. */
const LOWER_IS_WORSE = new Set(['critical_precision', 'critical_recall']);

/**
 * The seed's RCA template (sections 1–5) filled from the incident record. Facts come from the
 * record; causes and lessons are left as prompts, because only people know them. The record
 * holds no email content, so none can leak into the draft.
 */
export function renderRca(incident: Incident, context: RcaContext): string {
  const detectedAt = Date.parse(incident.openedAt);
  const sections = [
    `# Root Cause Analysis (draft): ${incident.id}`,
    '> Drafted by Rollback Sentinel from the incident record. Lines in _italics_ are prompts for people.',
    summary(incident, context, detectedAt),
    timeline(incident, context, detectedAt),
    rootCause(incident, context),
    lessons(incident, detectedAt),
    actionItems(),
  ];
  return `${sections.join('\n\n')}\n`;
}

/**
 * The incident lasts while users get the bad version: from its first live traffic to the
 * restored version live — not to the end of the 24 h verification, which is Sentinel making
 * sure, not users affected. Without a restore it runs to the record's last entry, and says so.
 */
function duration(incident: Incident, context: RcaContext, detectedAt: number): string {
  const start = context.badVersionFirstLive ?? detectedAt;
  const from = context.badVersionFirstLive === undefined ? 'detection' : 'bad version live';
  if (incident.deployedAt) {
    const restored = Date.parse(incident.deployedAt);
    return `${formatElapsed(restored - start)} (${from} ${utcMinute(start)} → restored version live ${utcMinute(restored)})`;
  }
  const end = incidentEnd(incident);
  const state = isClosed(incident) ? `not restored, ${incident.status}` : 'still open, not restored yet';
  return `${formatElapsed(end - start)} so far (${from} ${utcMinute(start)} → ${utcMinute(end)}, ${state})`;
}

function timeToDetect(context: RcaContext, detectedAt: number): string {
  return context.badVersionFirstLive === undefined
    ? 'unknown (the bad version’s first live traffic is not in the store)'
    : `${formatElapsed(detectedAt - context.badVersionFirstLive)} (bad version live → detection)`;
}

function timeToRestore(incident: Incident, detectedAt: number): string {
  return incident.deployedAt
    ? `${formatElapsed(Date.parse(incident.deployedAt) - detectedAt)} (detection → restored version live)`
    : 'not restored';
}

function summary(incident: Incident, context: RcaContext, detectedAt: number): string {
  const target = incident.target;
  const restoredTo = target
    ? `${describe(target.version)} (ref \`${target.ref}\`, procedure ${target.procedure}: ${PROCEDURES[target.procedure]})`
    : `not rolled back (${incident.status})`;
  const { emailsClassifiedByBadVersion, otpInCritical } = context.impact;
  const lines = [
    '## 1. Incident Summary',
    '',
    `- **Date/Time**: ${utcMinute(detectedAt)}`,
    `- **Service**: ${inline(incident.service)}`,
    `- **Trigger**:${
      incident.decision === 'manual'
        ? ` manual rollback requested by ${inline(incident.request?.by ?? 'someone')}: ${inline(incident.request?.reason ?? '')}`
        : incident.triggers.length === 0
          ? ' none recorded'
          : ''
    }`,
    ...incident.triggers.map(
      (trigger) => `  - \`${trigger.id}\` (${trigger.kind}): ${valueVsThreshold(trigger)}`,
    ),
    `- **Version Rolled Back From**: ${describe(incident.version)}`,
    `- **Version Rolled Back To**: ${restoredTo}`,
  ];
  if (incident.revert) {
    const { sha, url, dryRun } = incident.revert;
    const link = url ? ` (${url})` : '';
    lines.push(`- **Rollback commit**: \`${sha}\`${link}${dryRun ? ' — dry run, not pushed' : ''}`);
  }
  if (incident.deployedAt) {
    const deployedAt = Date.parse(incident.deployedAt);
    lines.push(
      `- **Restored version live**: ${utcMinute(deployedAt)} (${formatElapsed(deployedAt - detectedAt)} after detection)`,
    );
  }
  lines.push(
    `- **Duration of Incident**: ${duration(incident, context, detectedAt)}`,
    `- **Time to detect**: ${timeToDetect(context, detectedAt)}`,
    `- **Time to restore**: ${timeToRestore(incident, detectedAt)}`,
    `- **Impact**: ${emailsClassifiedByBadVersion} emails classified by the bad version while it was live; ` +
      `${otpInCritical} OTP messages shown as critical`,
    `- **Outcome**: ${incident.outcome ?? incident.status}`,
  );
  if (incident.escalation) {
    lines.push(
      `- **Escalated**: ${utcMinute(Date.parse(incident.escalation.at))}: ${inline(incident.escalation.reason)}`,
    );
  }
  return lines.join('\n');
}

function timeline(incident: Incident, context: RcaContext, detectedAt: number): string {
  // The two instants the record does not hold as entries go in as milestones, in time order.
  const milestones: { at: number; text: string }[] = [];
  if (context.badVersionFirstLive !== undefined) {
    milestones.push({
      at: context.badVersionFirstLive,
      text: `**bad version live**: ${describe(incident.version)} first seen in live traffic`,
    });
  }
  if (incident.deployedAt) {
    milestones.push({
      at: Date.parse(incident.deployedAt),
      text: `**restored version live**${incident.target ? `: ${describe(incident.target.version)}` : ''}`,
    });
  }
  const entries = [
    ...milestones,
    ...incident.timeline.map((entry) => ({
      at: Date.parse(entry.at),
      text: `${inline(entry.state)} by ${inline(entry.actor)}${entry.note ? `: ${inline(entry.note)}` : ''}`,
    })),
  ].sort((a, b) => a.at - b.at);
  const lines = [
    '## 2. Timeline',
    '',
    `T+0 is detection, ${utcSecond(detectedAt)}. Time to detect: ${timeToDetect(context, detectedAt)}; ` +
      `time to restore: ${timeToRestore(incident, detectedAt)}.`,
    '',
  ];
  if (entries.length === 0) lines.push('- No timeline entries recorded.');
  for (const entry of entries) {
    lines.push(`- **${relativeMinutes(entry.at, detectedAt)}** (${utcSecond(entry.at)}) — ${entry.text}`);
  }
  if (incident.verification.length > 0) {
    const rows = incident.verification.flatMap((stage) =>
      stage.checks.map((check) => [
        stage.stage,
        String(stage.attempt),
        relativeMinutes(Date.parse(stage.at), detectedAt),
        check.id,
        check.outcome,
        formatNumber(check.value),
        formatNumber(check.threshold),
        String(check.samples),
        check.reason,
      ]),
    );
    lines.push(
      '',
      '**Post-rollback verification**:',
      '',
      table(
        ['Stage', 'Attempt', 'Judged', 'Check', 'Outcome', 'Value', 'Threshold', 'Samples', 'Reason'],
        rows,
      ),
    );
  }
  return lines.join('\n');
}

function rootCause(incident: Incident, context: RcaContext): string {
  const diff = context.versionFileDiff.trim();
  const lines = [
    '## 3. Root Cause',
    '',
    `**What changed**: ${whatChanged(incident)}`,
    '',
    ...(diff === ''
      ? ['_No version file diff recorded._']
      : [
          'The rollback commit undid it (`-` the bad version, `+` the restored one):',
          '',
          fenced(diff, 'diff'),
        ]),
    '',
    '**Trigger evidence** (at detection):',
    '',
    table(
      ['Trigger', 'Kind', 'Outcome', 'Value', 'Threshold', 'Samples', 'Window', 'Reason'],
      evidence(incident).map((trigger) => [
        trigger.id,
        trigger.kind,
        trigger.outcome,
        formatNumber(trigger.value),
        `${LOWER_IS_WORSE.has(trigger.id) ? '<' : '>'} ${formatNumber(trigger.threshold)}`,
        String(trigger.samples),
        trigger.window,
        trigger.reason,
      ]),
    ),
  ];
  if (context.chart) {
    const metric = incident.triggers[0]?.id ?? 'triggering metric';
    lines.push(
      '',
      `![${metric} over time: breach and warning lines, bad deploy, detection, commit and restore](${linkTarget(context.chart)})`,
    );
  }
  lines.push(
    '',
    `**Why it caused issue**: ${prompt('the technical explanation of how the change produced the trigger values above.')}`,
    '',
    `**How it bypassed safeguards**: ${prompt('why pre-deployment tests, the GDS run and the shadow period did not catch it.')}`,
  );
  return lines.join('\n');
}

function lessons(incident: Incident, detectedAt: number): string {
  const facts = [`detected by ${incident.triggers.map((t) => t.id).join(', ') || 'no recorded trigger'}`];
  if (incident.deployedAt) {
    facts.push(
      `restored version live ${formatElapsed(Date.parse(incident.deployedAt) - detectedAt)} after detection`,
    );
  }
  return [
    '## 4. Lessons Learned',
    '',
    '**What went well**:',
    `- ${prompt(`e.g. how quickly the rollback ran or that monitoring caught it first (record: ${facts.join('; ')}).`)}`,
    '',
    '**What needs improvement**:',
    `- ${prompt('e.g. pre-deployment validation, shadow period length, alert thresholds.')}`,
  ].join('\n');
}

function actionItems(): string {
  return [
    '## 5. Action Items',
    '',
    `- [ ] **Prevent recurrence**: ${prompt('the specific fix, with an owner and a date.')}`,
    `- [ ] **Improve detection**: ${prompt('better monitoring or a tighter trigger.')}`,
    `- [ ] **Update process**: ${prompt('the change to the deployment workflow.')}`,
  ].join('\n');
}

/** Fired triggers first, then the rest of the detection snapshot for context. */
function evidence(incident: Incident): TriggerResult[] {
  const fired = new Set(incident.triggers.map((trigger) => trigger.id));
  const others = (incident.snapshot?.triggers ?? []).filter((trigger) => !fired.has(trigger.id));
  return [...incident.triggers, ...others];
}

function valueVsThreshold(trigger: TriggerResult): string {
  const comparison = LOWER_IS_WORSE.has(trigger.id) ? '<' : '>';
  const value = trigger.value === null ? 'no value' : formatNumber(trigger.value);
  const head =
    trigger.outcome === 'breach'
      ? `${value} ${comparison} ${formatNumber(trigger.threshold)}`
      : `${value}, breach when ${comparison} ${formatNumber(trigger.threshold)}`;
  return `${head} — ${inline(trigger.reason)}`;
}

/** From the restored (good) version to the bad one: the change the incident is about. */
function whatChanged(incident: Incident): string {
  const bad = incident.version;
  const good = incident.target?.version;
  if (!good) return `${describe(bad)} went live (no rollback target recorded).`;
  const changes: string[] = [];
  if (good.model !== bad.model || good.modelVersion !== bad.modelVersion) {
    changes.push(`model ${good.model} ${good.modelVersion} → ${bad.model} ${bad.modelVersion}`);
  }
  if (good.prompt !== bad.prompt) changes.push(`prompt ${good.prompt} → ${bad.prompt}`);
  return changes.length === 0
    ? 'no version constant changed (code or configuration only).'
    : `${changes.join(', ')}.`;
}

function describe(version: Version): string {
  return `Model ${inline(version.model)} ${inline(version.modelVersion)}, Prompt ${inline(version.prompt)}`;
}

/** The end of the incident: its last timeline entry (completion or escalation), else its last update. */
function incidentEnd(incident: Incident): number {
  const times = incident.timeline.map((entry) => Date.parse(entry.at)).filter(Number.isFinite);
  return times.length > 0 ? Math.max(...times) : Date.parse(incident.updatedAt);
}

/** A relative link that survives spaces and parentheses in the file name. */
function linkTarget(fileName: string): string {
  return encodeURI(fileName).replace(/\(/g, '%28').replace(/\)/g, '%29');
}

function formatNumber(value: number | null): string {
  if (value === null) return '–';
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
}
