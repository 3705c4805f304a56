import { StatisticsError } from './errors.ts';
import { regularizedGammaQ } from './gamma.ts';

/**
 * P(χ²_df > x). Even df has a closed form, e^(−x/2) Σ_{k<df/2} (x/2)^k / k!, summed without
 * cancellation; any other df goes through the regularized gamma function Q(df/2, x/2).
 */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0)) throw new StatisticsError(`degrees of freedom must be > 0, got ${df}`);
  if (Number.isNaN(x)) throw new StatisticsError('chi-square statistic is NaN');
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (Number.isInteger(df) && df % 2 === 0) {
    const half = x / 2;
    let term = 1;
    let sum = 1;
    for (let k = 1; k < df / 2; k++) {
      term *= half / k;
      sum += term;
    }
    return Math.min(1, Math.exp(-half) * sum);
  }
  return regularizedGammaQ(df / 2, x / 2);
}
