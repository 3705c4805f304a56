import type { ControlStore } from '../../ports.ts';
import { loadIncident, recordTransition } from '../incident/record.ts';
import { RepositoryWritesDisabledError, type RevertDeps, revertCommit } from './revert.ts';
import type { WorkflowState } from './state.ts';

export interface GuardedRevertDeps extends RevertDeps {
  control: ControlStore;
}

/**
 * RevertCommit behind the kill switch: while `sentinel pause` is on, the step records that it
 * refused and fails with RepositoryWritesDisabledError (the workflow escalates and pages), exactly
 * like policy mode dry-run. The switch is read at the moment of the write, so a pause that comes
 * while an approval is pending still stops the commit.
 */
export async function revertCommitUnlessPaused(
  deps: GuardedRevertDeps,
  state: WorkflowState,
): ReturnType<typeof revertCommit> {
  const control = await deps.control.get();
  if (control.paused) {
    const incident = await loadIncident(deps.incidents, state.incidentId);
    const who = control.by ? ` by ${control.by}` : '';
    const why = control.reason ? `: ${control.reason}` : '';
    await recordTransition(deps.incidents, incident.id, deps.clock.now(), {
      state: 'RevertCommit',
      actor: 'workflow',
      note: `kill switch on (paused${who}${why}): nothing committed`,
    });
    throw new RepositoryWritesDisabledError(
      `Sentinel is paused${who}${why}: the revert was not committed; resume with sentinel resume`,
    );
  }
  return revertCommit(deps, state);
}
