import type { Clock, IncidentStore, SourceRepository } from '../../ports.ts';
import { SentinelError } from '../errors.ts';
import type { Incident, RollbackTarget } from '../incident/incident.ts';
import { loadIncident, recordTransition } from '../incident/record.ts';
import type { Policy } from '../policy.ts';
import { NoStableTargetError } from '../revert/errors.ts';
import { executeRevert, type RevertRequest } from '../revert/execute.ts';
import { decodeText } from '../revert/snapshot.ts';
import { readVersionFile } from '../revert/version-file.ts';
import { stageTiming } from '../verification/schedule.ts';
import { describeVersion, sameVersion } from '../version.ts';
import type { WorkflowState } from './state.ts';

export interface RevertDeps {
  repo: SourceRepository;
  incidents: IncidentStore;
  clock: Clock;
  policy: Policy;
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
    triggerIds: incident.triggers.map((trigger) => trigger.id),
    reason,
    layout: { versionFile, promptFiles, modelReferenceFiles, versionsLog },
    badVersion: incident.version,
    full,
  };
}

function reasonOf(incident: Incident): string {
  return incident.triggers.map((trigger) => trigger.reason).join('; ') || incident.decision;
}

/**
 * Pre-rollback checklist, "identify rollback target": the newest `*-stable` tag whose version
 * differs from the bad one, and the procedure (A/B/C) a dry run of the revert settles on.
 */
export async function chooseTarget(deps: RevertDeps, state: WorkflowState): Promise<RollbackTarget> {
  const incident = await loadIncident(deps.incidents, state.incidentId);
  const { versionFile } = deps.policy.repository;
  for (const tag of await deps.repo.listStableTags()) {
    const bytes = await deps.repo.readFile(tag.sha, versionFile);
    if (bytes === null) continue;
    const version = readVersionFile(versionFile, decodeText(bytes));
    if (sameVersion(version, incident.version)) continue;
    const plan = await executeRevert(
      deps.repo,
      {
        ...revertRequest(deps, incident, reasonOf(incident)),
        targetRef: tag.name,
        targetVersion: version,
        dryRun: true,
      },
      new Date(incident.openedAt),
    );
    if (plan.outcome !== 'dry-run') {
      throw new NothingToRevertError(
        `reverting to ${tag.name} changes nothing: ${plan.outcome === 'nothing-to-revert' ? plan.detail : plan.outcome}`,
      );
    }
    const target: RollbackTarget = {
      version,
      ref: tag.name,
      procedure: plan.procedure,
      timing: stageTiming(plan.procedure, deps.policy.verification),
    };
    await recordTransition(
      deps.incidents,
      incident.id,
      deps.clock.now(),
      {
        state: 'ChooseTarget',
        actor: 'workflow',
        note: `target ${describeVersion(version)} at ${tag.name}, procedure ${plan.procedure}`,
      },
      () => ({ target, versionFileDiff: plan.diff }),
    );
    return target;
  }
  throw new NoStableTargetError(
    `no *-stable tag in ${deps.repo.description} holds a version other than ${describeVersion(incident.version)}`,
  );
}

/** Commits the revert exactly once per incident (the trailer check lives in executeRevert). */
export async function revertCommit(
  deps: RevertDeps,
  state: WorkflowState,
): Promise<NonNullable<Incident['revert']>> {
  const incident = await loadIncident(deps.incidents, state.incidentId);
  const target = incident.target;
  if (!target) throw new SentinelError(`RevertCommit needs a chosen target on incident ${incident.id}`);
  const request = {
    ...revertRequest(deps, incident, reasonOf(incident)),
    targetRef: target.ref,
    targetVersion: target.version,
  };
  const now = deps.clock.now();
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
  const result = await executeRevert(deps.repo, request, new Date(incident.openedAt));
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
      note: `${result.alreadyDone ? 'found the earlier' : 'committed'} rollback ${result.commit.sha.slice(0, 12)} on ${result.branch}`,
      status: 'deploying',
    },
    () => ({ revert: record }),
  );
  return record;
}
