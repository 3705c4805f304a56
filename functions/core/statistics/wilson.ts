import { StatisticsError } from './errors.ts';
import { inverseNormalCdf } from './normal.ts';

/** A closed interval [lo, hi] of a proportion (or of a value derived from one). */
export type Interval = [number, number];

function check(successes: number, trials: number, confidence: number): void {
  if (!(Number.isInteger(trials) && trials >= 0))
    throw new StatisticsError(`trials must be a whole number ≥ 0, got ${trials}`);
  if (!(successes >= 0 && successes <= trials)) {
    throw new StatisticsError(`successes must be in [0, trials], got ${successes} of ${trials}`);
  }
  if (!(confidence > 0 && confidence < 1))
    throw new StatisticsError(`confidence must be in (0, 1), got ${confidence}`);
}

/** The Wilson score interval's centre and half-width for a normal quantile z. */
function score(successes: number, trials: number, z: number): { centre: number; half: number } {
  const p = successes / trials;
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials));
  return { centre, half };
}

/**
 * Two-sided Wilson score interval for successes/trials. Unlike the textbook p ± z·se it never
 * leaves [0, 1] and keeps sensible coverage at 0 or a handful of events — exactly the small
 * counts (3 false positives of 60 emails) these triggers judge. No trials: [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, confidence: number): Interval {
  check(successes, trials, confidence);
  if (trials === 0) return [0, 1];
  const z = inverseNormalCdf(1 - (1 - confidence) / 2);
  const { centre, half } = score(successes, trials, z);
  // At 0 or all successes the bound is exactly 0 or 1; the formula only reaches it up to float noise.
  return [
    successes === 0 ? 0 : Math.max(0, centre - half),
    successes === trials ? 1 : Math.min(1, centre + half),
  ];
}

/** One-sided Wilson bound: the true proportion is above `lower` (or below `upper`) with `confidence`. */
export function wilsonBound(
  successes: number,
  trials: number,
  confidence: number,
  side: 'lower' | 'upper',
): number {
  check(successes, trials, confidence);
  if (trials === 0) return side === 'lower' ? 0 : 1;
  const { centre, half } = score(successes, trials, inverseNormalCdf(confidence));
  if (side === 'lower') return successes === 0 ? 0 : Math.max(0, centre - half);
  return successes === trials ? 1 : Math.min(1, centre + half);
}
