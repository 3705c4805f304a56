import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { gitText } from '../adapters/git-cli.ts';
import { LocalGitRepo } from '../adapters/local-git-repo.ts';
import { smokeClassifierFor } from '../commons/smoke.ts';
import { SentinelError } from '../core/errors.ts';
import type { Incident, RevertRecord, RollbackTarget } from '../core/incident/incident.ts';
import { IncidentAlreadyOpenError } from '../core/incident/manual.ts';
import { recordTransition } from '../core/incident/record.ts';
import type { Policy } from '../core/policy.ts';
import { VersionFileError } from '../core/revert/errors.ts';
import { decodeText } from '../core/revert/snapshot.ts';
import { readVersionFile } from '../core/revert/version-file.ts';
import { describeVersion, type Version } from '../core/version.ts';
import { type RevertDeps, revertCommit, selectTarget } from '../core/workflow/revert.ts';
import type { Clock, IncidentStore, MetricsStore, VersionRegistry } from '../ports.ts';

/** `--repo` is not a Git work tree (or git cannot read it). */
export class NotAGitRepositoryError extends SentinelError {
  override readonly name = 'NotAGitRepositoryError';
}

export interface ManualRollbackOptions {
  reason: string;
  dryRun: boolean;
  repoDir: string;
  policy: Policy;
  clock: Clock;
  /** Who asked, for the timeline: `<user>@cli`. */
  actor: string;
  incidents: IncidentStore;
  metrics: MetricsStore;
  versions: VersionRegistry;
}

export interface ManualRollbackResult {
  dryRun: boolean;
  incidentId: string | null;
  repository: string;
  fromVersion: Version;
  toVersion: Version;
  targetRef: string;
  targetSource: string;
  procedure: RollbackTarget['procedure'];
  changedFiles: string[];
  /** The unified diff the commit makes (dry run: would make). */
  diff: string;
  message: string;
  commit: RevertRecord | null;
}

/**
 * `sentinel rollback`: a person's rollback of a local Git repository, choosing the target and the
 * procedure exactly as the workflow does. A dry run prints the diff and writes nothing (not even
 * to the registry); otherwise the commit goes through the same exactly-once revert with a fresh
 * incident, recorded in the local store, and the bad version becomes `rolled_back`.
 */
export async function manualRollback(options: ManualRollbackOptions): Promise<ManualRollbackResult> {
  const dir = resolve(options.repoDir);
  await assertGitRepository(dir);
  if (!options.dryRun) await assertCleanWorkTree(dir);
  const repo = new LocalGitRepo(dir);
  const bad = await readRepositoryVersion(dir, options.policy);
  const now = options.clock.now();
  const incident = manualIncident(options, bad, now);
  const deps: RevertDeps = {
    repo,
    incidents: options.incidents,
    metrics: options.metrics,
    clock: options.clock,
    policy: options.policy,
    versions: options.dryRun ? readOnly(options.versions) : options.versions,
    smoke: smokeClassifierFor(options.policy, { allowCommand: true, cwd: dir }),
  };
  const { target, plan, source } = await selectTarget(deps, incident, options.reason);
  const base = {
    repository: dir,
    fromVersion: bad,
    toVersion: target.version,
    targetRef: target.ref,
    targetSource: source,
    procedure: target.procedure,
    changedFiles: plan.changedFiles,
    diff: plan.diff,
    message: plan.message,
  };
  if (options.dryRun) return { ...base, dryRun: true, incidentId: null, commit: null };

  const opened = await options.incidents.openIncident(incident);
  if (!opened.created) {
    throw new IncidentAlreadyOpenError(
      `incident ${opened.incident.id} is open for ${describeVersion(bad)} (${opened.incident.status}); let it finish or close it first`,
    );
  }
  await recordTransition(
    options.incidents,
    incident.id,
    options.clock.now(),
    {
      state: 'ChooseTarget',
      actor: options.actor,
      note: `target ${describeVersion(target.version)} from ${source}, procedure ${target.procedure}`,
    },
    () => ({ target, versionFileDiff: plan.diff }),
  );
  const commit = await revertCommit(
    deps,
    { incidentId: incident.id, ...workflowInput(incident) },
    options.reason,
  );
  await options.versions.markRolledBack(bad, incident.id, options.clock.now());
  await recordTransition(options.incidents, incident.id, options.clock.now(), {
    state: 'ManualRollback',
    actor: options.actor,
    note: `manual rollback committed; no verification stages run for it: watch it with sentinel evaluate, then sentinel incident close ${incident.id} --reason R`,
  });
  return { ...base, dryRun: false, incidentId: incident.id, commit };
}

/** The version the default branch of a local repository declares (its version file). */
export async function readRepositoryVersion(repoDir: string, policy: Policy): Promise<Version> {
  const dir = resolve(repoDir);
  await assertGitRepository(dir);
  const repo = new LocalGitRepo(dir);
  const { versionFile } = policy.repository;
  const branch = await repo.defaultBranch();
  const bytes = await repo.readFile(branch, versionFile);
  if (bytes === null) {
    throw new VersionFileError(
      versionFile,
      `not found on ${branch} in ${dir} (set policy.repository.versionFile)`,
    );
  }
  return readVersionFile(versionFile, decodeText(bytes));
}

/** Uncommitted changes would undo the rollback on the next commit: refused, naming the files. */
export class DirtyWorkTreeError extends SentinelError {
  override readonly name = 'DirtyWorkTreeError';
}

async function assertCleanWorkTree(dir: string): Promise<void> {
  // Staged and unstaged changes to tracked files, against the commit the rollback builds on.
  const changed = await gitText(dir, ['diff', '--name-only', 'HEAD']);
  const files = changed.split('\n').filter((line) => line.trim() !== '');
  if (files.length > 0) {
    throw new DirtyWorkTreeError(
      `${dir} has uncommitted changes (${files.slice(0, 10).join(', ')}${files.length > 10 ? ', …' : ''}); commit or stash them first, or use --dry-run`,
    );
  }
}

async function assertGitRepository(dir: string): Promise<void> {
  try {
    await gitText(dir, ['rev-parse', '--is-inside-work-tree']);
  } catch (error) {
    throw new NotAGitRepositoryError(`${dir} is not a Git repository (use --repo DIR)`, { cause: error });
  }
}

function manualIncident(options: ManualRollbackOptions, version: Version, now: Date): Incident {
  const at = now.toISOString();
  const stamp = at.slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const id = `inc-manual-${stamp}-${randomBytes(3).toString('hex')}`;
  return {
    id,
    service: options.policy.service,
    version,
    decision: 'rollback',
    status: 'reverting',
    openedAt: at,
    updatedAt: at,
    triggers: [],
    executionName: 'manual',
    verification: [],
    timeline: [{ at, state: 'ManualRollback', actor: options.actor, note: `requested: ${options.reason}` }],
  };
}

function workflowInput(incident: Incident) {
  return {
    service: incident.service,
    version: incident.version,
    decision: incident.decision,
    triggers: [] as string[],
  };
}

/** The registry as a dry run sees it: read, never written. */
function readOnly(versions: VersionRegistry): VersionRegistry {
  return {
    list: () => versions.list(),
    get: (version) => versions.get(version),
    markStable: async () => false,
    markRolledBack: async () => {},
    claimReappearance: async () => false,
    recordBaseline: async () => {},
    baseline: (version) => versions.baseline(version),
  };
}

export function formatRollback(result: ManualRollbackResult): string {
  const head = result.dryRun
    ? `dry run: would roll ${result.repository} back`
    : `rolled ${result.repository} back (incident ${result.incidentId})`;
  const lines = [
    head,
    `  from ${describeVersion(result.fromVersion)}`,
    `  to   ${describeVersion(result.toVersion)} (${result.targetSource}), procedure ${result.procedure}`,
  ];
  if (result.commit) {
    lines.push(
      `  commit ${result.commit.sha} on ${result.commit.branch}${result.commit.alreadyDone ? ' (found the earlier one)' : ''}`,
    );
  }
  lines.push('', result.message, '', result.diff);
  return lines.join('\n');
}
