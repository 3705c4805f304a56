import type { Outcome } from './types.ts';

/** An outcome reached by comparing a value; `inconclusive` is decided before any comparison. */
export type Judged = Exclude<Outcome, 'inconclusive'>;

/** For "higher is worse" values: strictly above a threshold counts; exactly at it does not. */
export function outcomeAbove(value: number, breachAbove: number, warningAbove: number | null = null): Judged {
  if (value > breachAbove) return 'breach';
  if (warningAbove !== null && value > warningAbove) return 'warning';
  return 'ok';
}

/** For "lower is worse" values: strictly below a threshold counts; exactly at it does not. */
export function outcomeBelow(value: number, breachBelow: number, warningBelow: number | null = null): Judged {
  if (value < breachBelow) return 'breach';
  if (warningBelow !== null && value < warningBelow) return 'warning';
  return 'ok';
}
