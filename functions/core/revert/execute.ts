/**
 * The RevertCommit step (ARCHITECTURE.md §5): exactly one rollback commit per incident, on a
 * branch other writers may move at the same time, through an API that may fail half-way.
 *
 * Every attempt starts by looking for the incident trailer, so a retried or re-driven step,
 * a lost response after a successful ref update, and a concurrent invocation for the same
 * incident all end with the one existing commit. Writes are a compare-and-swap on the head
 * the plan was built on; a lost race re-reads and re-plans (bounded).
 */

import type { CommitRef, FoundCommit, PullRequestRef, SourceRepository } from '../../ports.ts';
import { describeVersion, sameVersion, type Version } from '../version.ts';
import { unifiedDiff } from './diff.ts';
import {
  BranchMovedError,
  NoStableTargetError,
  RefNotFoundError,
  RevertContentionError,
  TransientRepositoryError,
  UnexpectedHeadVersionError,
} from './errors.ts';
import { layoutPaths, type RepoLayout, resolveLayout } from './layout.ts';
import { type IncidentInfo, planRevert, type RevertPlan, rollbackBranchName } from './plan.ts';
import { decideProcedure, type Procedure, type ProcedureDecision, versionAt } from './procedure.ts';
import { smokeCheck } from './smoke.ts';
import type { Snapshot } from './snapshot.ts';
import { INCIDENT_TRAILER } from './trailers.ts';

export interface RevertRequest extends IncidentInfo {
  /** Tag, branch or sha of the stable target; default: the newest `*-stable` tag at another version. */
  targetRef?: string;
  layout?: Partial<RepoLayout>;
  /** When given, the head must still run this version (or already the target's). */
  badVersion?: Version;
  /** When given, the target ref must hold this version. */
  targetVersion?: Version;
  /** Plan and return the diff; write nothing. */
  dryRun?: boolean;
  /** Procedure C: a branch plus pull request (default), or straight onto the default branch. */
  full?: 'branch' | 'direct';
  /** Compare-and-swap attempts before giving up (default 5). */
  maxAttempts?: number;
  /** How many recent commits are searched for the incident trailer (default 50). */
  trailerSearchDepth?: number;
  /**
   * Runs after the plan and its smoke check, before anything is written (never in a dry run, never
   * when the incident's commit already exists); a throw stops the revert with nothing committed.
   */
  beforeCommit?: (plan: RevertPlan, targetSha: string) => Promise<void>;
}

interface Versions {
  procedure: Procedure;
  from: Version;
  to: Version;
}

export type RevertResult =
  | ({
      outcome: 'committed';
      alreadyDone: false;
      branch: string;
      commit: CommitRef;
      pullRequest: PullRequestRef | null;
      message: string;
      versionsLine: string;
      attempts: number;
    } & Versions)
  | {
      outcome: 'already-done';
      alreadyDone: true;
      branch: string;
      commit: CommitRef;
      pullRequest: PullRequestRef | null;
      attempts: number;
    }
  | ({
      outcome: 'dry-run';
      alreadyDone: false;
      branch: string;
      diff: string;
      message: string;
      changedFiles: string[];
    } & Versions)
  | { outcome: 'nothing-to-revert'; alreadyDone: false; from: Version; to: Version; detail: string };

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_DEPTH = 50;

/** `now` names the rollback branch of procedure C: pass the incident's start, so re-drives agree. */
export async function executeRevert(
  repo: SourceRepository,
  request: RevertRequest,
  now: Date,
): Promise<RevertResult> {
  const context: Context = {
    repo,
    request,
    now,
    layout: resolveLayout(request.layout),
    defaultBranch: await repo.defaultBranch(),
    rollbackBranch: rollbackBranchName(now),
    depth: request.trailerSearchDepth ?? DEFAULT_DEPTH,
  };
  const maxAttempts = Math.max(1, request.maxAttempts ?? DEFAULT_ATTEMPTS);
  const memory: Memory = { pending: null };
  let lastError: unknown;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const existing = await findExisting(context);
    if (existing !== null) return await finishExisting(context, existing, memory.pending, attempt);
    try {
      return await attemptOnce(context, attempt, memory);
    } catch (error) {
      // Only "someone else moved the branch" and "the service hiccupped" are worth another
      // round; the trailer check at the top of the loop makes the next round safe.
      if (!(error instanceof BranchMovedError || error instanceof TransientRepositoryError)) throw error;
      lastError = error;
    }
  }
  throw new RevertContentionError(memory.pending?.branch ?? context.defaultBranch, maxAttempts, {
    cause: lastError,
  });
}

interface Context {
  repo: SourceRepository;
  request: RevertRequest;
  now: Date;
  layout: RepoLayout;
  defaultBranch: string;
  rollbackBranch: string;
  depth: number;
}

/** The commit an attempt tried to publish, so a lost response can be recognised as our own. */
interface Pending {
  plan: RevertPlan;
  branch: string;
  sha: string | undefined;
}

interface Memory {
  pending: Pending | null;
}

async function findExisting(context: Context): Promise<{ commit: FoundCommit; branch: string } | null> {
  const { repo, request, defaultBranch, rollbackBranch, depth } = context;
  const onDefault = await repo.findCommitWithTrailer(
    defaultBranch,
    INCIDENT_TRAILER,
    request.incidentId,
    depth,
  );
  if (onDefault !== null) return { commit: onDefault, branch: defaultBranch };
  if ((await repo.resolveRef(`refs/heads/${rollbackBranch}`)) === null) return null;
  const onRollback = await repo.findCommitWithTrailer(
    rollbackBranch,
    INCIDENT_TRAILER,
    request.incidentId,
    depth,
  );
  return onRollback === null ? null : { commit: onRollback, branch: rollbackBranch };
}

async function finishExisting(
  context: Context,
  { commit, branch }: { commit: FoundCommit; branch: string },
  pending: Pending | null,
  attempts: number,
): Promise<RevertResult> {
  // A re-driven C may have stopped between its commit and its pull request: open it now.
  const pullRequest =
    branch === context.defaultBranch ? null : await openPullRequestFrom(context, branch, commit.message);
  const ref = { sha: commit.sha, url: commit.url };
  if (pending?.sha === commit.sha) {
    // Our own write landed but its answer was lost: report it as ours, not as pre-existing.
    return committedResult(pending.plan, branch, ref, pullRequest, attempts);
  }
  return { outcome: 'already-done', alreadyDone: true, branch, commit: ref, pullRequest, attempts };
}

async function attemptOnce(context: Context, attempt: number, memory: Memory): Promise<RevertResult> {
  const { repo, request, layout, defaultBranch } = context;
  const headSha = await mustResolve(repo, `refs/heads/${defaultBranch}`);
  const targetRef = request.targetRef ?? (await newestStableTarget(context, headSha));
  const targetSha = await mustResolve(repo, targetRef);
  const changedPaths = await repo.changedPaths(targetSha, headSha);
  // For A and B every changed path is a layout path (anything else makes it C), so this
  // reads exactly what any procedure needs.
  const paths = [...layoutPaths(layout), ...changedPaths];
  const [head, firstTarget] = await Promise.all([
    readSnapshot(repo, headSha, paths),
    readSnapshot(repo, targetSha, paths),
  ]);
  let target = firstTarget;
  const decision = decideProcedure({ layout, target, head, changedPaths });
  checkExpectations(request, decision);
  if (decision.procedure === 'none') {
    return {
      outcome: 'nothing-to-revert',
      alreadyDone: false,
      from: decision.from,
      to: decision.to,
      detail: `${defaultBranch} already runs ${describeVersion(decision.to)} (the version at ${targetRef})`,
    };
  }
  const onBranch = decision.procedure === 'C' && request.full !== 'direct';
  const branch = onBranch ? context.rollbackBranch : defaultBranch;
  const branchHead = onBranch ? await repo.resolveRef(`refs/heads/${branch}`) : headSha;
  let base = head;
  let baseChanged = changedPaths;
  if (branchHead !== null && branchHead !== headSha) {
    // An earlier attempt (or a person) already created the rollback branch: build on its head.
    baseChanged = await repo.changedPaths(targetSha, branchHead);
    base = await readSnapshot(repo, branchHead, [...layoutPaths(layout), ...baseChanged]);
    target = await readSnapshot(repo, targetSha, [...paths, ...baseChanged], target);
  }
  const plan = planRevert({
    ...pickIncident(request),
    layout,
    decision: { ...decision, procedure: decision.procedure },
    target,
    targetLabel:
      targetRef === targetSha ? targetSha.slice(0, 12) : targetRef.replace(/^refs\/(tags|heads)\//, ''),
    base,
    changedPaths: baseChanged,
    at: context.now,
  });
  smokeCheck(plan, layout, base);
  if (request.dryRun === true) {
    return {
      outcome: 'dry-run',
      alreadyDone: false,
      procedure: plan.procedure,
      from: plan.from,
      to: plan.to,
      branch,
      diff: unifiedDiff(plan.changes),
      message: plan.message,
      changedFiles: plan.changes.map((change) => change.path),
    };
  }
  await request.beforeCommit?.(plan, targetSha);
  if (onBranch && branchHead === null && (await repo.createBranch(branch, headSha)) === 'exists') {
    // Another invocation created it between our read and now: start over and read it.
    throw new BranchMovedError(branch, headSha, null);
  }
  memory.pending = { plan, branch, sha: undefined };
  let commit: CommitRef;
  try {
    commit = await repo.commitFiles({
      branch,
      expectedHead: base.sha,
      message: plan.message,
      changes: plan.changes.map(({ path, after }) => ({ path, content: after })),
    });
  } catch (error) {
    if (error instanceof TransientRepositoryError) memory.pending = { plan, branch, sha: error.commitSha };
    throw error;
  }
  const pullRequest =
    onBranch && plan.pullRequest !== null
      ? await repo.openPullRequest({ head: branch, base: defaultBranch, ...plan.pullRequest })
      : null;
  return committedResult(plan, branch, commit, pullRequest, attempt);
}

function committedResult(
  plan: RevertPlan,
  branch: string,
  commit: CommitRef,
  pullRequest: PullRequestRef | null,
  attempts: number,
): RevertResult {
  return {
    outcome: 'committed',
    alreadyDone: false,
    procedure: plan.procedure,
    from: plan.from,
    to: plan.to,
    branch,
    commit,
    pullRequest,
    message: plan.message,
    versionsLine: plan.versionsLine,
    attempts,
  };
}

function pickIncident(request: RevertRequest): IncidentInfo {
  return { incidentId: request.incidentId, triggerIds: request.triggerIds, reason: request.reason };
}

function checkExpectations(request: RevertRequest, decision: ProcedureDecision): void {
  if (request.targetVersion !== undefined && !sameVersion(request.targetVersion, decision.to)) {
    throw new UnexpectedHeadVersionError(
      `the target holds ${describeVersion(decision.to)}, not the expected ${describeVersion(request.targetVersion)}`,
    );
  }
  const bad = request.badVersion;
  if (bad === undefined || sameVersion(bad, decision.from) || sameVersion(decision.from, decision.to)) return;
  throw new UnexpectedHeadVersionError(
    `the head runs ${describeVersion(decision.from)}, neither the bad ${describeVersion(bad)} nor the target ${describeVersion(decision.to)}; someone changed it — a person must decide`,
  );
}

async function newestStableTarget(context: Context, headSha: string): Promise<string> {
  const { repo, layout } = context;
  const headVersion = versionAt(layout, await readSnapshot(repo, headSha, [layout.versionFile]));
  for (const tag of await repo.listStableTags()) {
    if (tag.sha === headSha) continue;
    const tagVersion = versionAt(layout, await readSnapshot(repo, tag.sha, [layout.versionFile]));
    if (!sameVersion(tagVersion, headVersion)) return `refs/tags/${tag.name}`;
  }
  throw new NoStableTargetError(
    `${repo.description}: no *-stable tag holds a version other than ${describeVersion(headVersion)}`,
  );
}

async function mustResolve(repo: SourceRepository, ref: string): Promise<string> {
  const sha = await repo.resolveRef(ref);
  if (sha === null) throw new RefNotFoundError(repo.description, ref);
  return sha;
}

async function readSnapshot(
  repo: SourceRepository,
  sha: string,
  paths: readonly string[],
  known?: Snapshot,
): Promise<Snapshot> {
  // Concurrent: each read is a round trip to the repository, and they do not depend on each other.
  const entries = await Promise.all(
    [...new Set(paths)].map(async (path) => {
      const cached = known?.sha === sha ? known.files.get(path) : undefined;
      return [path, cached !== undefined ? cached : await repo.readFile(sha, path)] as const;
    }),
  );
  return { sha, files: new Map(entries) };
}

async function openPullRequestFrom(
  context: Context,
  branch: string,
  message: string,
): Promise<PullRequestRef | null> {
  const [subject = '', ...rest] = message.split('\n');
  return context.repo.openPullRequest({
    head: branch,
    base: context.defaultBranch,
    title: subject,
    body: rest.join('\n').trim(),
  });
}
