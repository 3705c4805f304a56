import type { CheckOutcome } from '../incident/incident.ts';
import type { Policy } from '../policy.ts';
import { judgeSequentially, sequentialRule } from '../triggers/sequential.ts';

export interface SequentialCheck {
  outcome: CheckOutcome;
  text: string;
}

/**
 * A rate check judged by the same truncated SPRT as the triggers. H0 is the check's limit as a
 * bad-event rate, H1 `verificationBadRatio` times it: accept H1 → fail, accept H0 → pass, and
 * anything undecided stays inconclusive, so the stage is judged again later (or escalates).
 */
export function judgeCheckSequentially(
  bad: number,
  trials: number,
  limitBadRate: number,
  policy: Policy,
  describeRate: (rate: number) => string,
  unit: string,
): SequentialCheck {
  const ratio = policy.statistics.sequential.verificationBadRatio;
  const hypotheses = { p0: limitBadRate, p1: Math.min(0.999, limitBadRate * ratio) };
  const judged = judgeSequentially(bad, trials, hypotheses, sequentialRule(policy), describeRate, unit);
  const outcome: CheckOutcome =
    judged.outcome === 'breach' ? 'fail' : judged.outcome === 'ok' ? 'pass' : 'inconclusive';
  return { outcome, text: judged.text };
}
