import type { Policy } from '../policy.ts';
import { formatInterval, formatPercent } from '../statistics/format.ts';
import { SEQUENTIAL_TRIGGERS } from '../statistics/policy.ts';
import {
  type Hypotheses,
  type SequentialRule,
  type SequentialState,
  sequentialTest,
} from '../statistics/sprt.ts';
import { type Interval, wilsonInterval } from '../statistics/wilson.ts';
import type { Outcome } from './types.ts';

/** The Wilson interval of bad/trials scaled to the value's unit (100 for "per 100 emails"); null without trials. */
export function scaledInterval(
  successes: number,
  trials: number,
  confidence: number,
  scale = 1,
): Interval | undefined {
  if (trials === 0) return undefined;
  const [lo, hi] = wilsonInterval(successes, trials, confidence);
  return [lo * scale, hi * scale];
}

/** "; 95 % CI 2.8–12.4", to append inside a reason's closing parenthesis. */
export function ciClause(interval: Interval | undefined, confidence: number, digits: number): string {
  return interval === undefined ? '' : `; ${formatInterval(interval, confidence, digits)}`;
}

export function isSequential(policy: Policy): boolean {
  return policy.statistics.mode === 'sequential';
}

/** The SPRT rule of one sequentially judged trigger: α is split evenly (Bonferroni) across them. */
export function sequentialRule(policy: Policy): SequentialRule {
  const s = policy.statistics.sequential;
  return {
    alpha: s.alpha / SEQUENTIAL_TRIGGERS.length,
    beta: s.beta,
    minTrials: s.minLabels,
    minBad: s.minBadEvents,
    maxTrials: s.maxLabels,
    capConfidence: s.capConfidence,
  };
}

export interface SequentialJudgement {
  outcome: Outcome;
  /** Where the test stands, for the reason. */
  text: string;
}

/**
 * Runs the SPRT and maps it onto the four outcomes: H1 → breach, H0 → ok, undecided past the cap
 * or continuing past half of it → warning (a person should look), otherwise inconclusive.
 * `describeRate` writes a bad-event rate in the trigger's unit ("10 per 100", "precision 0.85").
 */
export function judgeSequentially(
  bad: number,
  trials: number,
  hypotheses: Hypotheses,
  rule: SequentialRule,
  describeRate: (rate: number) => string,
  unit: string,
): SequentialJudgement {
  const state = sequentialTest(bad, trials, hypotheses, rule);
  const test =
    `SPRT ${describeRate(hypotheses.p0)} vs ${describeRate(hypotheses.p1)} ` +
    `(α ${formatPercent(rule.alpha)}, β ${formatPercent(rule.beta)})`;
  return { outcome: outcomeOf(state), text: `${test}: ${standing(state, rule, unit)}` };
}

function outcomeOf(state: SequentialState): Outcome {
  switch (state.verdict) {
    case 'accept_h1':
    case 'cap_h1':
      return 'breach';
    case 'accept_h0':
    case 'cap_h0':
      return 'ok';
    case 'undecided':
      return 'warning';
    case 'continue':
      return state.pastHalfCap ? 'warning' : 'inconclusive';
  }
}

function standing(state: SequentialState, rule: SequentialRule, unit: string): string {
  const llr = state.llr.toFixed(2);
  const lnA = state.bounds.lnA.toFixed(2);
  const lnB = state.bounds.lnB.toFixed(2);
  const cap = `${Math.round(rule.capConfidence * 100)} % one-sided Wilson bound at the cap of ${rule.maxTrials}`;
  switch (state.verdict) {
    case 'accept_h1':
      return `log-LR ${llr} ≥ ln A ${lnA}, accept H1`;
    case 'accept_h0':
      return `log-LR ${llr} ≤ ln B ${lnB}, accept H0`;
    case 'cap_h1':
      return `log-LR ${llr} between ln B ${lnB} and ln A ${lnA}; ${cap} is above H1`;
    case 'cap_h0':
      return `log-LR ${llr} between ln B ${lnB} and ln A ${lnA}; ${cap} is below H1`;
    case 'undecided':
      return `log-LR ${llr} between ln B ${lnB} and ln A ${lnA}; ${cap} straddles H1, a person should decide`;
    case 'continue': {
      const more =
        state.moreTrials === null ? '' : `, ~${state.moreTrials} more ${unit} to decide at this rate`;
      const floor =
        state.llr >= state.bounds.lnA
          ? ` (at ln A but below the floor of ${rule.minTrials} ${unit} and ${rule.minBad} bad)`
          : '';
      return `log-LR ${llr} between ln B ${lnB} and ln A ${lnA}${floor}${more}`;
    }
  }
}
