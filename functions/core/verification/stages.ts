import type { StageResult } from '../incident/incident.ts';
import { stageOutcome } from './check.ts';
import { immediateChecks } from './immediate.ts';
import { longTermChecks } from './long-term.ts';
import type { VerificationPolicy } from './policy.ts';
import { shortTermChecks } from './short-term.ts';
import { sinceDeploy, type VerificationInput } from './since-deploy.ts';

export type { VerificationInput } from './since-deploy.ts';

export type Stage = StageResult['stage'];
export const STAGES: readonly Stage[] = ['immediate', 'short_term', 'long_term'];

/** The check ids each stage reports, in order. */
export const STAGE_CHECK_IDS: Record<Stage, readonly string[]> = {
  immediate: ['otp_in_critical', 'latency_p95', 'classification_errors'],
  short_term: ['critical_precision', 'critical_recall', 'cost_per_classification', 'distribution_drift'],
  long_term: ['correction_fp_rate', 'no_recurring_trigger', 'gds_precision_stable', 'gds_recall_stable'],
};

/** Judges one stage of the restored version on its data since the deploy, at `input.at`. */
export function verifyStage(stage: Stage, input: VerificationInput): StageResult {
  const data = sinceDeploy(input);
  const checks =
    stage === 'immediate'
      ? immediateChecks(data, input.verification.immediate)
      : stage === 'short_term'
        ? shortTermChecks(data, input.verification.shortTerm, input.policy)
        : longTermChecks(data, input);
  return {
    stage,
    outcome: stageOutcome(checks),
    checks,
    at: new Date(input.at).toISOString(),
    attempt: input.attempt,
  };
}

export type NextStep = 'continue' | 'extend' | 'escalate';

/**
 * pass → go on to the next stage (after the last one: complete, the version is stable again);
 * inconclusive → judge again later, `maxRetries` times, then escalate; fail → escalate (page).
 * Never "roll back further": a failing restored version needs a person.
 */
export function nextStep(
  result: Pick<StageResult, 'outcome'>,
  attempt: number,
  policy: VerificationPolicy,
): NextStep {
  if (result.outcome === 'pass') return 'continue';
  if (result.outcome === 'fail') return 'escalate';
  return attempt <= policy.inconclusive.maxRetries ? 'extend' : 'escalate';
}
