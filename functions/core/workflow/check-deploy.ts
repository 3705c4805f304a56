import { parseDuration } from '../duration.ts';
import { SentinelError } from '../errors.ts';
import { recordTransition } from '../incident/record.ts';
import { describeVersion, sameVersion } from '../version.ts';
import type { EvaluationDeps } from './confirm-trigger.ts';
import type { WorkflowState } from './state.ts';

/** The revert did not show up in live traffic in time: a human must look at the pipeline. */
export class DeployTimeoutError extends SentinelError {
  override readonly name = 'DeployTimeoutError';
}

/**
 * Deployed = the classifier's live events report the target version after the revert commit.
 * Polled by the workflow's CheckDeploy loop; past the deadline it fails so the workflow escalates.
 */
export async function checkDeploy(
  deps: EvaluationDeps,
  state: WorkflowState,
): Promise<NonNullable<WorkflowState['deploy']>> {
  const { target, revert } = state;
  if (!target || !revert)
    throw new SentinelError('CheckDeploy needs the chosen target and the revert commit');
  const now = deps.clock.now();
  const committedAt = Date.parse(revert.committedAt);
  const sightings = await deps.metrics.listVersionSightings();
  const live = sightings.find((sighting) => sameVersion(sighting.version, target.version));
  const deployed = live !== undefined && live.lastSeen >= committedAt;
  if (deployed) {
    await recordTransition(
      deps.incidents,
      state.incidentId,
      now,
      {
        state: 'CheckDeploy',
        actor: 'workflow',
        note: `${describeVersion(target.version)} is live`,
        status: 'verifying',
      },
      () => ({ deployedAt: new Date(Math.max(committedAt, live.lastSeen)).toISOString() }),
    );
    return { deployed, checkedAt: now.toISOString() };
  }
  const timeoutMs = parseDuration(deps.policy.workflow.deployTimeout);
  if (now.getTime() - committedAt > timeoutMs) {
    throw new DeployTimeoutError(
      `${describeVersion(target.version)} did not appear in live traffic within ${deps.policy.workflow.deployTimeout} of commit ${revert.sha.slice(0, 12)}`,
    );
  }
  return { deployed, checkedAt: now.toISOString() };
}
