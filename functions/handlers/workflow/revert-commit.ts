/** Workflow step RevertCommit: the rollback commit, exactly once per incident. */
import { revertCommit } from '../../core/workflow/revert.ts';
import { parseState } from './payload.ts';
import { workflowStep } from './step.ts';

export const { make, handler } = workflowStep('revert-commit', async (deps, payload) =>
  revertCommit({ ...deps, repo: await deps.repo() }, parseState(payload)),
);
