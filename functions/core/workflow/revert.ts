import type {
  Clock,
  IncidentStore,
  MetricsStore,
  SmokeClassifier,
  SourceRepository,
  VersionRegistry,
} from '../../ports.ts';
import { SentinelError } from '../errors.ts';
import type { Incident, RollbackTarget } from '../incident/incident.ts';
import { loadIncident, recordTransition } from '../incident/record.ts';
import type { Policy } from '../policy.ts';
import { NoStableTargetError } from '../revert/errors.ts';
import { executeRevert, type RevertRequest } from '../revert/execute.ts';
import { decodeText } from '../revert/snapshot.ts';
import { readVersionFile } from '../revert/version-file.ts';
import { runSmokeCheck, type SmokeJudgement } from '../validation/smoke.ts';
import { stageTiming } from '../verification/schedule.ts';
import { describeVersion, sameVersion, type Version } from '../version.ts';
import {
  checkGdsGate,
  findRecord,
  isWatched,
  stableCandidates,
  type VersionRecord,
} from '../versions/registry.ts';
import type { WorkflowState } from './state.ts';

export interface RevertDeps {
  repo: SourceRepository;
  incidents: IncidentStore;
  /** GDS reports of the target (procedure B's gate). */
  metrics: MetricsStore;
  clock: Clock;
  policy: Policy;
  /** The version registry: stable versions are preferred over tags, rolled-back ones skipped. */
  versions?: VersionRegistry;
  /** Procedure A's smoke classifier (policy validation.smoke); absent where none can run. */
  smoke?: SmokeClassifier;
}

/** Procedure B's target has no stored GDS report, and the policy does not allow that. */
export class MissingGdsReportError extends SentinelError {
  override readonly name = 'MissingGdsReportError';
}

/** The revert has nothing to change: head already runs the target's model and prompt. */
export class NothingToRevertError extends SentinelError {
  override readonly name = 'NothingToRevertError';
}

/** Dry-run mode or the kill switch: the change was planned and recorded, not committed. */
export class RepositoryWritesDisabledError extends SentinelError {
  override readonly name = 'RepositoryWritesDisabledError';
}

function revertRequest(deps: RevertDeps, incident: Incident, reason: string): RevertRequest {
  const { versionFile, promptFiles, modelReferenceFiles, versionsLog, full } = deps.policy.repository;
  return {
    incidentId: incident.id,
    // A manual rollback (`sentinel rollback`) has no trigger of its own.
    triggerIds: incident.triggers.length > 0 ? incident.triggers.map((trigger) => trigger.id) : ['manual'],
    reason,
    layout: { versionFile, promptFiles, modelReferenceFiles, versionsLog },
    badVersion: incident.version,
    full,
  };
}

export function reasonOf(incident: Incident): string {
  if (incident.decision === 'manual')
    return `manual request by ${incident.request?.by ?? 'someone'}: ${incident.request?.reason ?? ''}`;
  return incident.triggers.map((trigger) => trigger.reason).join('; ') || incident.decision;
}

interface Candidate {
  version: Version;
  /** Tag name or commit sha. */
  ref: string;
  source: string;
}

export interface TargetSelection {
  target: RollbackTarget;
  /** The dry run of the revert to the target: what the commit would change. */
  plan: Extract<Awaited<ReturnType<typeof executeRevert>>, { outcome: 'dry-run' }>;
  /** Where the target came from: "registry" or "tag <name>". */
  source: string;
}

/**
 * Pre-rollback checklist, "identify rollback target": the newest registry-stable version older
 * than the bad one, else the newest `*-stable` tag at another version that the registry does not
 * hold as rolled back; the procedure (A/B/C) is what a dry run of the revert settles on, and
 * procedure B must pass the GDS gate. Writes nothing but the registry's tag notes.
 */
export async function selectTarget(
  deps: RevertDeps,
  incident: Incident,
  reason: string,
): Promise<TargetSelection> {
  const records = deps.versions ? await deps.versions.list() : [];
  for await (const candidate of candidates(deps, incident.version, records)) {
    const plan = await executeRevert(
      deps.repo,
      {
        ...revertRequest(deps, incident, reason),
        targetRef: candidate.ref,
        targetVersion: candidate.version,
        dryRun: true,
      },
      new Date(incident.openedAt),
    );
    if (plan.outcome !== 'dry-run') {
      throw new NothingToRevertError(
        `reverting to ${candidate.source} changes nothing: ${plan.outcome === 'nothing-to-revert' ? plan.detail : plan.outcome}`,
      );
    }
    const target: RollbackTarget = {
      version: candidate.version,
      ref: candidate.ref,
      procedure: plan.procedure,
      timing: stageTiming(plan.procedure, deps.policy.verification),
    };
    if (target.procedure === 'B') await assertGdsGate(deps, target.version);
    return { target, plan, source: candidate.source };
  }
  throw new NoStableTargetError(
    `neither the version registry nor a *-stable tag in ${deps.repo.description} holds a stable version other than ${describeVersion(incident.version)}`,
  );
}

async function* candidates(
  deps: RevertDeps,
  bad: Version,
  records: readonly VersionRecord[],
): AsyncGenerator<Candidate> {
  const { versionFile } = deps.policy.repository;
  for (const record of stableCandidates(records, bad)) {
    const commit = record.commit as string;
    if ((await deps.repo.resolveRef(commit)) === null) continue;
    const bytes = await deps.repo.readFile(commit, versionFile);
    // A commit the repository no longer has (or that holds another version) cannot be the target.
    if (bytes === null || !sameVersion(readVersionFile(versionFile, decodeText(bytes)), record.version))
      continue;
    yield {
      version: record.version,
      ref: commit,
      source: `registry (stable, commit ${commit.slice(0, 12)})`,
    };
  }
  for (const tag of await deps.repo.listStableTags()) {
    const bytes = await deps.repo.readFile(tag.sha, versionFile);
    if (bytes === null) continue;
    const version = readVersionFile(versionFile, decodeText(bytes));
    if (sameVersion(version, bad) || isWatched(findRecord(records, version))) continue;
    await deps.versions?.markStable(version, { how: 'tag', tag: tag.name }, deps.clock.now(), tag.sha);
    yield { version, ref: tag.name, source: `tag ${tag.name}` };
  }
}

/**
 * Procedure B's gate: the target model's newest GDS report meets precision and recall. A target
 * with no stored report fails too, unless the policy says `validation.allowMissingGdsReport: true`.
 */
export async function assertGdsGate(
  deps: Pick<RevertDeps, 'metrics' | 'policy' | 'clock'>,
  version: Version,
) {
  const reports = await deps.metrics.readGdsReports(version, 0, deps.clock.now().getTime());
  const result = checkGdsGate(version, reports, deps.policy.repository.gdsGate);
  if (result === null && !deps.policy.validation.allowMissingGdsReport) {
    throw new MissingGdsReportError(
      `procedure B: no GDS report of ${describeVersion(version)} is stored, so the golden-dataset gate cannot pass; ` +
        'send its gds_report event (./scripts/test_against_gds.sh --json), or set validation.allowMissingGdsReport: true in the policy to restore it without one',
    );
  }
  return result;
}

export async function chooseTarget(deps: RevertDeps, state: WorkflowState): Promise<RollbackTarget> {
  const incident = await loadIncident(deps.incidents, state.incidentId);
  const { target, plan, source } = await selectTarget(deps, incident, reasonOf(incident));
  await recordTransition(
    deps.incidents,
    incident.id,
    deps.clock.now(),
    {
      state: 'ChooseTarget',
      actor: 'workflow',
      note: `target ${describeVersion(target.version)} from ${source}, procedure ${plan.procedure}`,
    },
    () => ({ target, versionFileDiff: plan.diff }),
  );
  return target;
}

/** Commits the revert exactly once per incident (the trailer check lives in executeRevert). */
export async function revertCommit(
  deps: RevertDeps,
  state: WorkflowState,
  reason?: string,
): Promise<NonNullable<Incident['revert']>> {
  const incident = await loadIncident(deps.incidents, state.incidentId);
  const target = incident.target;
  if (!target) throw new SentinelError(`RevertCommit needs a chosen target on incident ${incident.id}`);
  const request = {
    ...revertRequest(deps, incident, reason ?? reasonOf(incident)),
    targetRef: target.ref,
    targetVersion: target.version,
  };
  const now = deps.clock.now();
  // The gate again: a report may have arrived since ChooseTarget.
  if (target.procedure === 'B') await assertGdsGate(deps, target.version);
  if (deps.policy.mode === 'dry-run') {
    const plan = await executeRevert(deps.repo, { ...request, dryRun: true }, new Date(incident.openedAt));
    await recordTransition(deps.incidents, incident.id, now, {
      state: 'RevertCommit',
      actor: 'workflow',
      note: `dry-run mode: nothing committed${plan.outcome === 'dry-run' ? `; would change ${plan.changedFiles.join(', ')}` : ''}`,
    });
    throw new RepositoryWritesDisabledError(
      'policy mode is dry-run: the revert was planned and recorded, not committed',
    );
  }
  let smoke: SmokeJudgement | null = null;
  const result = await executeRevert(
    deps.repo,
    {
      ...request,
      // Procedure A's quick validation on sample emails, once, right before the commit.
      ...(target.procedure === 'A'
        ? {
            beforeCommit: async (_plan, targetSha) => {
              smoke ??= await runSmokeCheck(deps, deps.policy.validation.smoke, targetSha);
            },
          }
        : {}),
    },
    new Date(incident.openedAt),
  );
  // The deploy deadline runs from when the commit exists, not from when this step began.
  const committedAt = deps.clock.now();
  if (result.outcome === 'dry-run' || result.outcome === 'nothing-to-revert') {
    throw new NothingToRevertError(
      result.outcome === 'nothing-to-revert' ? result.detail : 'the revert unexpectedly ran as a dry run',
    );
  }
  const record: NonNullable<Incident['revert']> = {
    sha: result.commit.sha,
    url: result.commit.url,
    branch: result.branch,
    alreadyDone: result.alreadyDone,
    ...(result.pullRequest ? { pullRequestUrl: result.pullRequest.url } : {}),
    dryRun: false,
    committedAt: committedAt.toISOString(),
  };
  await recordTransition(
    deps.incidents,
    incident.id,
    committedAt,
    {
      state: 'RevertCommit',
      actor: 'workflow',
      note: `${result.alreadyDone ? 'found the earlier' : 'committed'} rollback ${result.commit.sha.slice(0, 12)} on ${result.branch}${smokeNote(smoke)}`,
      status: 'deploying',
    },
    () => ({ revert: record }),
  );
  return record;
}

function smokeNote(smoke: SmokeJudgement | null): string {
  return smoke === null ? '' : `; smoke check ${smoke.agreed}/${smoke.total} sample emails as expected`;
}
