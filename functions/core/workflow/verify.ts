import { seriesKey } from '../aggregate.ts';
import { minuteOf } from '../buckets.ts';
import { SentinelError } from '../errors.ts';
import type { StageResult } from '../incident/incident.ts';
import { loadIncident, recordTransition } from '../incident/record.ts';
import { nextStep, type Stage, verifyStage } from '../verification/stages.ts';
import type { EvaluationDeps } from './confirm-trigger.ts';
import type { WorkflowState } from './state.ts';

/** A stage stayed inconclusive past its extension limit: a person must judge the restored version. */
export class VerificationInconclusiveError extends SentinelError {
  override readonly name = 'VerificationInconclusiveError';
}

const STAGE_STATE: Record<Stage, string> = {
  immediate: 'VerifyImmediate',
  short_term: 'VerifyShortTerm',
  long_term: 'VerifyLongTerm',
};

/**
 * Judges one post-rollback stage on the restored version's data since its deploy and records
 * the result. A fail is returned (the workflow's choice escalates); an inconclusive stage past
 * its retry limit throws, which the workflow also escalates. Never rolls back further.
 */
export async function verify(deps: EvaluationDeps, stage: Stage, state: WorkflowState): Promise<StageResult> {
  const incident = await loadIncident(deps.incidents, state.incidentId);
  if (!incident.target || !incident.deployedAt) {
    throw new SentinelError(
      `${STAGE_STATE[stage]} needs a deployed rollback target on incident ${incident.id}`,
    );
  }
  const now = deps.clock.now();
  const at = now.getTime();
  const deployedAt = Date.parse(incident.deployedAt);
  const attempt = incident.verification.filter((result) => result.stage === stage).length + 1;
  const [buckets, gdsReports] = await Promise.all([
    deps.metrics.readBuckets(seriesKey(incident.target.version), minuteOf(deployedAt), minuteOf(at)),
    deps.metrics.readGdsReports(incident.target.version, deployedAt, at),
  ]);
  const result = verifyStage(stage, {
    at,
    deployedAt,
    version: incident.target.version,
    buckets,
    gdsReports,
    policy: deps.policy,
    verification: deps.policy.verification,
    attempt,
  });
  const step = nextStep(result, attempt, deps.policy.verification);
  const summary = result.checks.map((check) => `${check.id} ${check.outcome}`).join(', ');
  await recordTransition(
    deps.incidents,
    incident.id,
    now,
    {
      state: STAGE_STATE[stage],
      actor: 'workflow',
      note: `${stage} ${result.outcome} (attempt ${attempt}): ${summary}`,
    },
    (current) => ({ verification: [...current.verification, result] }),
  );
  if (result.outcome === 'inconclusive' && step === 'escalate') {
    throw new VerificationInconclusiveError(
      `${stage} verification stayed inconclusive after ${attempt} attempts: ${result.checks
        .filter((check) => check.outcome === 'inconclusive')
        .map((check) => check.reason)
        .join('; ')}`,
    );
  }
  return result;
}
