/**
 * The file changes, commit message, VERSIONS.md line and (for C) branch and pull request of
 * one revert. Pure: the caller reads the files and passes the time in.
 */

import { ValidationError } from '../errors.ts';
import { describeVersion, type Version } from '../version.ts';
import type { RepoLayout } from './layout.ts';
import type { Procedure, ProcedureDecision } from './procedure.ts';
import { decodeText, encodeText, fileAt, type Snapshot, sameBytes } from './snapshot.ts';
import { INCIDENT_TRAILER, TRIGGER_TRAILER, trailerValue } from './trailers.ts';
import { rewriteVersionFile } from './version-file.ts';

export interface IncidentInfo {
  incidentId: string;
  triggerIds: readonly string[];
  /** Why, in a few words: goes into the commit subject and the VERSIONS.md line. */
  reason: string;
}

export interface PlanInput extends IncidentInfo {
  layout: RepoLayout;
  decision: ProcedureDecision & { procedure: Procedure };
  target: Snapshot;
  /** How people call the target: the stable tag name, or a short sha. */
  targetLabel: string;
  /**
   * The commit the revert goes on (the default branch head; for C an existing rollback
   * branch's head). Must hold every path of the layout and, for C, of `changedPaths`.
   */
  base: Snapshot;
  /** Paths that differ between target and base (C restores each of them). */
  changedPaths: readonly string[];
  at: Date;
}

export interface PlannedChange {
  path: string;
  before: Uint8Array | null;
  after: Uint8Array | null;
}

export interface RevertPlan {
  procedure: Procedure;
  from: Version;
  to: Version;
  changes: PlannedChange[];
  message: string;
  versionsLine: string;
  /** C only: `rollback/YYYYMMDD-HHMM` (UTC of `at`). */
  branch: string | null;
  pullRequest: { title: string; body: string } | null;
  /** Prompt files restored by this plan (the smoke check wants them non-empty). */
  restoredPromptFiles: string[];
}

const MAX_REASON = 120;

export function planRevert(input: PlanInput): RevertPlan {
  validate(input);
  const { decision, layout } = input;
  const reason = oneLine(input.reason, MAX_REASON);
  const changes = fileChanges(input);
  const versionsLine = versionsLogLine(input, reason);
  changes.push(appendToVersionsLog(input.base, layout.versionsLog, versionsLine));
  const restoredPromptFiles = layout.promptFiles.filter((path) =>
    changes.some((change) => change.path === path && change.after !== null),
  );
  const subject = subjectLine(decision.procedure, decision.to, input.targetLabel, reason);
  return {
    procedure: decision.procedure,
    from: decision.from,
    to: decision.to,
    changes,
    message: commitMessage(input, subject, changes),
    versionsLine,
    branch: decision.procedure === 'C' ? rollbackBranchName(input.at) : null,
    pullRequest: decision.procedure === 'C' ? pullRequestText(input, subject, changes) : null,
    restoredPromptFiles,
  };
}

/** `rollback/YYYYMMDD-HHMM` in UTC, as in the runbook's `git checkout -b rollback/$(date +%Y%m%d-%H%M)`. */
export function rollbackBranchName(at: Date): string {
  const iso = at.toISOString();
  return `rollback/${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

function validate(input: PlanInput): void {
  const issues: string[] = [];
  if (trailerValue(input.incidentId) === '') issues.push('incidentId: must not be empty');
  if (trailerValue(input.incidentId) !== input.incidentId)
    issues.push('incidentId: must be one word-like line');
  if (input.triggerIds.length === 0) issues.push('triggerIds: at least one trigger id');
  if (oneLine(input.reason, MAX_REASON) === '') issues.push('reason: must not be empty');
  if (Number.isNaN(input.at.getTime())) issues.push('at: not a valid time');
  if (issues.length > 0) throw new ValidationError('revert request is invalid', issues);
}

function fileChanges({ decision, layout, target, base, changedPaths }: PlanInput): PlannedChange[] {
  const restore = (path: string): PlannedChange[] => {
    const before = fileAt(base, path);
    const after = fileAt(target, path);
    return sameBytes(before, after) ? [] : [{ path, before, after }];
  };
  const rewriteVersion = (changes: Partial<Version>): PlannedChange[] => {
    const before = fileAt(base, layout.versionFile);
    if (before === null) return []; // procedure.ts refused a missing version file already
    const after = encodeText(rewriteVersionFile(layout.versionFile, decodeText(before), changes));
    return sameBytes(before, after) ? [] : [{ path: layout.versionFile, before, after }];
  };
  switch (decision.procedure) {
    case 'A':
      return [...layout.promptFiles.flatMap(restore), ...rewriteVersion({ prompt: decision.to.prompt })];
    case 'B':
      return [
        ...rewriteVersion({ model: decision.to.model, modelVersion: decision.to.modelVersion }),
        ...layout.modelReferenceFiles.flatMap(restore),
      ];
    case 'C':
      // The log keeps its history: it gets the new line below instead of being restored.
      return [...new Set(changedPaths)]
        .filter((path) => path !== layout.versionsLog)
        .sort()
        .flatMap(restore);
  }
}

function appendToVersionsLog(base: Snapshot, path: string, line: string): PlannedChange {
  const before = fileAt(base, path);
  const text = before === null ? '# Versions\n\n' : decodeText(before);
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  return { path, before, after: encodeText(`${text}${separator}${line}\n`) };
}

function versionsLogLine({ at, incidentId, decision }: PlanInput, reason: string): string {
  const minute = `${at.toISOString().slice(0, 16)}Z`;
  return `- ${minute} rollback ${incidentId} ${transition(decision.procedure, decision.from, decision.to)} (procedure ${decision.procedure}): ${reason}`;
}

function transition(procedure: Procedure, from: Version, to: Version): string {
  if (procedure === 'A') return `prompt ${from.prompt} → ${to.prompt}`;
  if (procedure === 'B') return `model ${from.model} ${from.modelVersion} → ${to.model} ${to.modelVersion}`;
  return `${describeVersion(from)} → ${describeVersion(to)}`;
}

function subjectLine(procedure: Procedure, to: Version, targetLabel: string, reason: string): string {
  if (procedure === 'A') return `rollback: Revert prompt to ${to.prompt} due to ${reason}`;
  if (procedure === 'B') return `rollback: Revert model to ${to.model} due to ${reason}`;
  return `rollback: Revert to ${targetLabel} due to ${reason}`;
}

function commitMessage(input: PlanInput, subject: string, changes: PlannedChange[]): string {
  const { decision, target, targetLabel, incidentId, triggerIds } = input;
  const body = [
    `Incident ${incidentId}: ${transition(decision.procedure, decision.from, decision.to)} (procedure ${decision.procedure}).`,
    `Restored from ${targetLabel} (${target.sha.slice(0, 12)}): ${changes.map((change) => change.path).join(', ')}.`,
    `Reason: ${oneLine(input.reason, 1000)}`,
  ].join('\n');
  const trailers = [
    `${INCIDENT_TRAILER}: ${incidentId}`,
    `${TRIGGER_TRAILER}: ${triggerIds.map(trailerValue).join(', ')}`,
  ].join('\n');
  return `${subject}\n\n${body}\n\n${trailers}\n`;
}

function pullRequestText(
  input: PlanInput,
  subject: string,
  changes: PlannedChange[],
): { title: string; body: string } {
  const { decision, incidentId, triggerIds, targetLabel, target } = input;
  const lines = [
    `## Rollback ${incidentId} (procedure C, full)`,
    '',
    `- **From**: ${describeVersion(decision.from)}`,
    `- **To**: ${describeVersion(decision.to)} — ${targetLabel} (${target.sha.slice(0, 12)})`,
    `- **Triggers**: ${triggerIds.join(', ')}`,
    `- **Reason**: ${oneLine(input.reason, 1000)}`,
    `- **Model changed**: ${decision.modelChanged ? 'yes' : 'no'}; **prompt changed**: ${decision.promptChanged ? 'yes' : 'no'}`,
    decision.otherChangedPaths.length > 0
      ? `- **Other files changed since ${targetLabel}**: ${decision.otherChangedPaths.join(', ')}`
      : '- **Other files changed**: none',
    '',
    `Every path below is restored to its content at ${targetLabel}; ${input.layout.versionsLog} gets one line.`,
    '',
    ...changes.map((change) => `- \`${change.path}\`${change.after === null ? ' (deleted)' : ''}`),
    '',
    'A person must review the full test suite and the golden-dataset run, then merge. Monitor for 2 hours after deploy.',
  ];
  return { title: subject, body: `${lines.join('\n')}\n` };
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
