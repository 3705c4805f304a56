import type { WorkflowInput } from '../incident/dispatch.ts';
import type { RevertRecord, RollbackTarget, StageResult } from '../incident/incident.ts';
import type { Decision } from '../triggers/types.ts';

/**
 * The data the rollback state machine carries from state to state: the execution input plus
 * each step's result under the step's name (ARCHITECTURE.md §6).
 */
export interface WorkflowState extends WorkflowInput {
  confirm?: { stillBreaching: boolean; decision: Decision | 'manual' };
  capture?: { capturedAt: string };
  target?: RollbackTarget;
  approval?: { approved: boolean; by: string; note: string };
  revert?: RevertRecord;
  deploy?: { deployed: boolean; checkedAt: string };
  verifyImmediate?: StageResult;
  verifyShortTerm?: StageResult;
  verifyLongTerm?: StageResult;
  error?: { Error?: string; Cause?: string };
}
