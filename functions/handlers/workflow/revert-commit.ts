/** Workflow step RevertCommit: the rollback commit, exactly once per incident, unless Sentinel is paused. */
import { controlStoreFromEnv } from '../../commons/table.ts';
import { revertCommitUnlessPaused } from '../../core/workflow/guarded-revert.ts';
import { parseState } from './payload.ts';
import { revertDepsFromEnv } from './repository-deps.ts';
import { workflowStep } from './step.ts';

export const handler = workflowStep(
  'revert-commit',
  async () => ({ ...(await revertDepsFromEnv()), control: controlStoreFromEnv() }),
  (deps, payload) => revertCommitUnlessPaused(deps, parseState(payload)),
);
