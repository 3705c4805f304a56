import type { VerificationCheck } from '../incident/incident.ts';
import type { Policy } from '../policy.ts';
import { evaluateVersion } from '../triggers/evaluate.ts';
import { ciClause, isSequential, scaledInterval } from '../triggers/sequential.ts';
import { formatNear, notEnoughData, round6, verificationCheck } from './check.ts';
import type { VerificationPolicy } from './policy.ts';
import { type QualityMetric, qualityCheck, qualityFromReport } from './quality.ts';
import { judgeCheckSequentially } from './sequential.ts';
import { latestReport, type SinceDeploy, type VerificationInput } from './since-deploy.ts';

type LongTermPolicy = VerificationPolicy['longTerm'];

/** Seed, long-term: corrections not elevated (FP rate < 3 %), no recurring trigger, GDS stable. */
export function longTermChecks(data: SinceDeploy, input: VerificationInput): VerificationCheck[] {
  const policy = input.verification.longTerm;
  return [
    fpRateCheck(data, policy, input.policy),
    noRecurringTrigger(data, input),
    gdsStable(data, 'precision', policy.gdsPrecisionAtLeast, policy, input.policy),
    gdsStable(data, 'recall', policy.gdsRecallAtLeast, policy, input.policy),
  ];
}

/** Critical false positives per 100 classified emails, as the fp_budget trigger counts them. */
function fpRateCheck(data: SinceDeploy, policy: LongTermPolicy, main: Policy): VerificationCheck {
  const { classified, criticalFp } = data.total;
  const limit = policy.fpRateBelowPer100;
  const value = classified === 0 ? null : round6((criticalFp * 100) / classified);
  const { confidence } = main.statistics;
  // Corrections of emails classified before the deploy can outnumber those since it.
  const bad = Math.min(criticalFp, classified);
  const interval = scaledInterval(bad, classified, confidence, 100);
  const common = { id: 'correction_fp_rate', value, threshold: limit, samples: classified, interval };
  const counts = `${criticalFp} of ${classified} classified since deploy${ciClause(interval, confidence, 1)}`;
  if (value !== null && isSequential(main)) {
    const judged = judgeCheckSequentially(
      bad,
      classified,
      limit / 100,
      main,
      (rate) => `${round6(rate * 100)} per 100`,
      'emails',
    );
    return verificationCheck({
      ...common,
      outcome: judged.outcome,
      reason: `${formatNear(value, limit)} critical false positives per 100 emails (${counts}); ${judged.text}`,
    });
  }
  if (value === null || classified < policy.minEmails) {
    return verificationCheck({
      ...common,
      outcome: 'inconclusive',
      reason: notEnoughData(classified, policy.minEmails, 'emails'),
    });
  }
  const pass = value < limit;
  return verificationCheck({
    ...common,
    outcome: pass ? 'pass' : 'fail',
    reason:
      `${formatNear(value, limit)} critical false positives per 100 emails ${pass ? '<' : '≥'} ${limit} ` +
      `(${counts})`,
  });
}

/**
 * All seven triggers over the data since the deploy, at `at`. A breach fails however little data
 * there was; a pass needs enough traffic. (The dispatcher also evaluates every minute, so a
 * breach in between would already have opened a new incident.)
 */
function noRecurringTrigger(data: SinceDeploy, input: VerificationInput): VerificationCheck {
  const evaluation = evaluateVersion({
    at: input.at,
    version: input.version,
    buckets: data.buckets,
    gdsReports: data.gdsReports,
    policy: input.policy,
  });
  const fired = evaluation.triggers.filter((trigger) => trigger.outcome === 'breach');
  const classified = data.total.classified;
  const minEmails = input.verification.longTerm.minEmails;
  const common = { id: 'no_recurring_trigger', value: fired.length, threshold: 0, samples: classified };
  if (fired.length > 0) {
    const list = fired.map((trigger) => `${trigger.id} (${trigger.reason})`).join('; ');
    return verificationCheck({ ...common, outcome: 'fail', reason: `fired again since deploy: ${list}` });
  }
  if (classified < minEmails) {
    return verificationCheck({
      ...common,
      outcome: 'inconclusive',
      reason: notEnoughData(classified, minEmails, 'emails'),
    });
  }
  const unjudged = evaluation.triggers
    .filter((trigger) => trigger.outcome === 'inconclusive')
    .map((t) => t.id);
  const note = unjudged.length === 0 ? '' : ` (too little data to judge: ${unjudged.join(', ')})`;
  return verificationCheck({
    ...common,
    outcome: 'pass',
    reason: `no trigger in breach over ${classified} emails since deploy${note}`,
  });
}

/**
 * Only a GDS run since the deploy can say the golden-dataset baseline is still met; without one
 * the check stays inconclusive and, once extensions run out, a person is asked to run it.
 */
function gdsStable(
  data: SinceDeploy,
  metric: QualityMetric,
  atLeast: number,
  policy: LongTermPolicy,
  main: Policy,
): VerificationCheck {
  const id = `gds_${metric}_stable`;
  const report = latestReport(data);
  if (!report) {
    return verificationCheck({
      id,
      outcome: 'inconclusive',
      value: null,
      threshold: atLeast,
      samples: 0,
      reason: 'no GDS report of this version since deploy (run the golden-dataset evaluation)',
    });
  }
  return qualityCheck(qualityFromReport(report, metric), {
    id,
    atLeast,
    minSamples: policy.minGdsSamples,
    policy: main,
  });
}
