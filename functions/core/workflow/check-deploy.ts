import type { SourceRepository } from '../../ports.ts';
import { parseDuration } from '../duration.ts';
import { SentinelError } from '../errors.ts';
import { recordTransition } from '../incident/record.ts';
import {
  describeWaiting,
  judgeRequiredChecks,
  RequiredCheckFailedError,
  type RequiredChecksVerdict,
} from '../validation/required-checks.ts';
import { describeVersion, sameVersion } from '../version.ts';
import type { EvaluationDeps } from './confirm-trigger.ts';
import type { WorkflowState } from './state.ts';

/** The revert did not show up in live traffic in time: a human must look at the pipeline. */
export class DeployTimeoutError extends SentinelError {
  override readonly name = 'DeployTimeoutError';
}

/** The rollback commit's checks or statuses failed: the pipeline will not (or must not) deploy it. */
export class CommitChecksFailedError extends SentinelError {
  override readonly name = 'CommitChecksFailedError';
}

export interface CheckDeployDeps extends EvaluationDeps {
  /** Reports the rollback commit's checks and statuses. */
  repo: SourceRepository;
}

/**
 * Deployed = the classifier's live events report the target version after the revert commit AND
 * the commit's checks/statuses, where the repository has any, succeeded (`none`: no checks are
 * configured; `pending`: not yet; `failure`: escalate at once). Polled by the workflow's
 * CheckDeploy loop; past the deadline it fails so the workflow escalates.
 */
export async function checkDeploy(
  deps: CheckDeployDeps,
  state: WorkflowState,
): Promise<NonNullable<WorkflowState['deploy']>> {
  const { target, revert } = state;
  if (!target || !revert)
    throw new SentinelError('CheckDeploy needs the chosen target and the revert commit');
  const now = deps.clock.now();
  const committedAt = Date.parse(revert.committedAt);
  const checks = await deps.repo.commitChecks(revert.sha);
  if (checks === 'failure') {
    await recordTransition(deps.incidents, state.incidentId, now, {
      state: 'CheckDeploy',
      actor: 'workflow',
      note: `checks of rollback commit ${revert.sha.slice(0, 12)} failed`,
    });
    throw new CommitChecksFailedError(
      `the checks or statuses of rollback commit ${revert.sha.slice(0, 12)} in ${deps.repo.description} failed`,
    );
  }
  const required = await requiredChecks(deps, state);
  if (required?.verdict.state === 'failure') {
    const failed = required.verdict.failed.map((check) => `${check.name} (${check.conclusion})`).join(', ');
    await recordTransition(deps.incidents, state.incidentId, now, {
      state: 'CheckDeploy',
      actor: 'workflow',
      note: `required check ${failed} failed on ${required.where}`,
    });
    throw new RequiredCheckFailedError(
      `required check ${failed} failed on ${required.where} in ${deps.repo.description} (policy validation.requiredChecks): the rollback must not deploy`,
    );
  }
  const sightings = await deps.metrics.listVersionSightings();
  const live = sightings.find((sighting) => sameVersion(sighting.version, target.version));
  const checksPassed =
    (checks === 'success' || checks === 'none') &&
    (required === null || required.verdict.state === 'success');
  const deployed = live !== undefined && live.lastSeen >= committedAt && checksPassed;
  if (deployed) {
    await recordTransition(
      deps.incidents,
      state.incidentId,
      now,
      {
        state: 'CheckDeploy',
        actor: 'workflow',
        note: `${describeVersion(target.version)} is live${checks === 'success' ? '; commit checks passed' : ''}${
          required === null ? '' : `; required checks passed on ${required.where}`
        }`,
        status: 'verifying',
      },
      () => ({ deployedAt: new Date(Math.max(committedAt, live.lastSeen)).toISOString() }),
    );
    return { deployed, checkedAt: now.toISOString() };
  }
  const timeoutMs = parseDuration(deps.policy.workflow.deployTimeout);
  if (now.getTime() - committedAt > timeoutMs) {
    throw new DeployTimeoutError(
      `${describeVersion(target.version)} ${live === undefined || live.lastSeen < committedAt ? 'did not appear in live traffic' : 'is live but did not count as deployed'}${checks === 'pending' ? ' (commit checks still pending)' : ''}${
        required !== null && required.verdict.state === 'pending'
          ? ` (required checks on ${required.where}: ${describeWaiting(required.verdict)})`
          : ''
      } within ${deps.policy.workflow.deployTimeout} of commit ${revert.sha.slice(0, 12)}`,
    );
  }
  return { deployed, checkedAt: now.toISOString() };
}

/**
 * Policy `validation.requiredChecks` on the commit that must pass: the rollback commit, or for
 * procedure C on a rollback branch the branch's head (people may push fixes there before the
 * pull request is merged; once it is merged and deleted, the rollback commit again).
 */
async function requiredChecks(
  deps: CheckDeployDeps,
  state: WorkflowState,
): Promise<{ verdict: RequiredChecksVerdict; where: string } | null> {
  const names = deps.policy.validation.requiredChecks;
  const revert = state.revert;
  if (names.length === 0 || revert === undefined) return null;
  let sha = revert.sha;
  let where = `rollback commit ${revert.sha.slice(0, 12)}`;
  if (state.target?.procedure === 'C' && revert.branch !== (await deps.repo.defaultBranch())) {
    const head = await deps.repo.resolveRef(`refs/heads/${revert.branch}`);
    if (head !== null) {
      sha = head;
      where = `${revert.branch} head ${head.slice(0, 12)}`;
    }
  }
  return { verdict: judgeRequiredChecks(await deps.repo.checkRuns(sha), names), where };
}
