import { parseDuration } from '../duration.ts';
import type { Procedure, RollbackTarget } from '../incident/incident.ts';
import type { VerificationPolicy } from './policy.ts';
import type { Stage } from './stages.ts';

/** How long after the deploy a stage is first judged. */
export function stageJudgedAfterMs(stage: Stage, procedure: Procedure, policy: VerificationPolicy): number {
  if (stage === 'immediate') return parseDuration(policy.immediate.judgeAfter[procedure]);
  if (stage === 'short_term') return parseDuration(policy.shortTerm.judgeAfter);
  return parseDuration(policy.longTerm.judgeAfter);
}

/** When attempt N (1-based) of a stage is due: each inconclusive attempt adds `retryAfter`. */
export function stageDueAt(
  stage: Stage,
  deployedAt: number,
  procedure: Procedure,
  policy: VerificationPolicy,
  attempt = 1,
): number {
  const retries = Math.max(0, attempt - 1);
  return deployedAt + stageJudgedAfterMs(stage, procedure, policy) + retries * retryAfterMs(policy);
}

export function retryAfterMs(policy: VerificationPolicy): number {
  return parseDuration(policy.inconclusive.retryAfter);
}

/**
 * `RollbackTarget.timing`: how long each stage waits after the previous one was judged (the
 * immediate stage after the deploy), so sequential waits land on 30 min / 4 h / 24 h for
 * procedure A. Extensions only push later stages later, which is harmless: they see more data.
 */
export function stageTiming(procedure: Procedure, policy: VerificationPolicy): RollbackTarget['timing'] {
  const immediate = stageJudgedAfterMs('immediate', procedure, policy);
  const shortTerm = stageJudgedAfterMs('short_term', procedure, policy);
  const longTerm = stageJudgedAfterMs('long_term', procedure, policy);
  return {
    immediateSeconds: immediate / 1000,
    shortTermSeconds: Math.max(0, shortTerm - immediate) / 1000,
    longTermSeconds: Math.max(0, longTerm - shortTerm) / 1000,
  };
}
