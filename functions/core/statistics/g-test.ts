import { chiSquareSurvival } from './chi-square.ts';
import { StatisticsError } from './errors.ts';

export interface GTestResult {
  /** G = 2 Σ O ln(O / E), the likelihood-ratio chi-square statistic. */
  g: number;
  df: number;
  pValue: number;
}

/**
 * Goodness-of-fit G-test of observed class counts against expected shares (which add up to 1).
 * Classes with expected share 0 carry no degree of freedom; an observation in one makes G infinite.
 */
export function gTest(observed: readonly number[], expectedShares: readonly number[]): GTestResult {
  if (observed.length !== expectedShares.length || observed.length < 2) {
    throw new StatisticsError('gTest needs as many shares as counts, and at least two classes');
  }
  const total = observed.reduce((sum, count) => sum + count, 0);
  let g = 0;
  let classes = 0;
  for (let i = 0; i < observed.length; i++) {
    const count = observed[i] as number;
    const share = expectedShares[i] as number;
    if (share > 0) classes += 1;
    if (count === 0) continue;
    if (share === 0) {
      g = Number.POSITIVE_INFINITY;
      continue;
    }
    g += count * Math.log(count / (total * share));
  }
  g = Math.max(0, 2 * g); // rounding can leave −1e-15 when observed equals expected
  const df = Math.max(1, classes - 1);
  return { g, df, pValue: total === 0 ? 1 : chiSquareSurvival(g, df) };
}
