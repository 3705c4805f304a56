import { latencyCount, samplesOver } from '../buckets.ts';
import { quantile } from '../histogram.ts';
import type { VerificationCheck } from '../incident/incident.ts';
import { formatNear, notEnoughData, verificationCheck } from './check.ts';
import type { VerificationPolicy } from './policy.ts';
import type { SinceDeploy } from './since-deploy.ts';

type ImmediatePolicy = VerificationPolicy['immediate'];

/** Seed, immediate: OTP in critical == 0, p95 latency < 2 s, no classification errors. */
export function immediateChecks(data: SinceDeploy, policy: ImmediatePolicy): VerificationCheck[] {
  return [
    countCheck(data, policy, {
      id: 'otp_in_critical',
      bad: data.total.otpCritical,
      max: policy.otpInCriticalMax,
      what: 'OTP messages classified critical',
    }),
    latencyCheck(data, policy),
    countCheck(data, policy, {
      id: 'classification_errors',
      bad: data.total.errors,
      max: policy.errorsMax,
      what: 'classification errors',
    }),
  ];
}

interface CountedProblem {
  id: string;
  bad: number;
  max: number;
  what: string;
}

/**
 * Each counted event is a fact, so too many of them fails at once however little traffic there
 * was; a pass, though, needs enough traffic to have had the chance to go wrong.
 */
function countCheck(data: SinceDeploy, policy: ImmediatePolicy, problem: CountedProblem): VerificationCheck {
  const emails = data.total.classified;
  const common = { id: problem.id, value: problem.bad, threshold: problem.max, samples: emails };
  const counted = `${problem.bad} ${problem.what} among ${emails} emails since deploy`;
  if (problem.bad > problem.max) {
    return verificationCheck({ ...common, outcome: 'fail', reason: `${counted} (max ${problem.max})` });
  }
  if (emails < policy.minEmails) {
    return verificationCheck({
      ...common,
      outcome: 'inconclusive',
      reason: `${notEnoughData(emails, policy.minEmails, 'emails')} (${problem.bad} ${problem.what} so far)`,
    });
  }
  return verificationCheck({ ...common, outcome: 'pass', reason: `${counted} (max ${problem.max})` });
}

/**
 * A p95 of a handful of samples says nothing, so both pass and fail need enough samples.
 * "p95 < T" is decided exactly: nearest-rank p95 < T ⟺ at most 5 % of the samples are at or above
 * T, counted at ingest (no histogram bin straddles T). The histogram's p95 is shown for reading.
 */
function latencyCheck(data: SinceDeploy, policy: ImmediatePolicy): VerificationCheck {
  const samples = latencyCount(data.total);
  const p95 = quantile(data.total.latency, 0.95) ?? null;
  const common = { id: 'latency_p95', value: p95, threshold: policy.p95BelowMs, samples };
  if (p95 === null || samples < policy.minEmails) {
    const sofar = p95 === null ? '' : ` (p95 ${Math.round(p95)} ms so far)`;
    return verificationCheck({
      ...common,
      outcome: 'inconclusive',
      reason: `${notEnoughData(samples, policy.minEmails, 'latency samples')}${sofar}`,
    });
  }
  const atOrAbove = samplesOver(data.total, { ms: policy.p95BelowMs, inclusive: true });
  // Integers: at most 5 % at or above T (atOrAbove · 20 ≤ n) keeps the p95 below T.
  const pass = atOrAbove * 20 <= samples;
  return verificationCheck({
    ...common,
    outcome: pass ? 'pass' : 'fail',
    reason:
      `p95 latency ${pass ? '<' : '≥'} ${policy.p95BelowMs} ms: ${atOrAbove} of ${samples} samples since deploy ` +
      `at or above it (${pass ? 'at most' : 'more than'} 5 %; histogram p95 ≈ ${formatNear(p95, policy.p95BelowMs, 0)} ms)`,
  });
}
