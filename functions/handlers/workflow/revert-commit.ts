/** Workflow step RevertCommit: the rollback commit, exactly once per incident, unless Sentinel is paused. */
import { revertCommitUnlessPaused } from '../../core/workflow/guarded-revert.ts';
import { parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const { make, handler } = workflowStep('revert-commit', async (deps, payload) =>
  revertCommitUnlessPaused({ ...deps, repo: await deps.repo() }, parseState(payload)),
);
