import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bernoulliLlr,
  chiSquareSurvival,
  gTest,
  inverseNormalCdf,
  lnGamma,
  normalCdf,
  regularizedGammaQ,
  sequentialTest,
  sprtBounds,
  wilsonBound,
  wilsonInterval,
} from '../../functions/core/statistics/index.ts';

describe('inverseNormalCdf (Acklam + one Halley step)', () => {
  // Published quantiles of the standard normal (e.g. Abramowitz & Stegun 26.2, R's qnorm).
  it.each([
    [0.5, 0],
    [0.9, 1.2815515655446004],
    [0.95, 1.6448536269514722],
    [0.975, 1.959963984540054],
    [0.99, 2.3263478740408408],
    [0.995, 2.5758293035489004],
    [0.999, 3.090232306167813],
    [0.025, -1.959963984540054],
    [1e-10, -6.361340902404056],
    [1 - 1e-6, 4.753424308822899],
  ])('Φ⁻¹(%s) = %s', (p, z) => {
    expect(Math.abs(inverseNormalCdf(p) - z)).toBeLessThan(1e-9);
  });

  it('inverts Φ across (0, 1) to 1e-9', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        const x = inverseNormalCdf(p);
        expect(Math.abs(normalCdf(x) - p)).toBeLessThan(1e-9 * Math.max(p, 1e-3));
      }),
    );
  });

  it('refuses probabilities outside (0, 1)', () => {
    expect(() => inverseNormalCdf(0)).toThrow(/\(0, 1\)/);
    expect(() => inverseNormalCdf(1)).toThrow(/\(0, 1\)/);
  });
});

describe('gamma functions', () => {
  it.each([
    [1, 0],
    [0.5, Math.log(Math.sqrt(Math.PI))],
    [5, Math.log(24)],
    [10.5, 13.940625219403763],
  ])('ln Γ(%s)', (x, expected) => {
    expect(lnGamma(x)).toBeCloseTo(expected, 12);
  });

  it('Q(1, x) = e^−x and Q(½, x) = erfc(√x)', () => {
    expect(regularizedGammaQ(1, 3)).toBeCloseTo(Math.exp(-3), 14);
    expect(regularizedGammaQ(0.5, 1)).toBeCloseTo(0.15729920705028513, 14); // erfc(1)
    expect(regularizedGammaQ(0.5, 0.25)).toBeCloseTo(0.4795001221869535, 14); // erfc(0.5)
  });
});

describe('chiSquareSurvival', () => {
  // Critical values from standard χ² tables (NIST/SEMATECH e-Handbook 1.3.6.7.4).
  it.each([
    [3.841458820694124, 1, 0.05],
    [6.634896601021214, 1, 0.01],
    [5.991464547107979, 2, 0.05],
    [9.21034037197618, 2, 0.01],
    [13.815510557964274, 2, 0.001],
    [7.814727903251178, 3, 0.05],
    [11.344866730144373, 3, 0.01],
    [9.487729036781154, 4, 0.05],
    [18.307038053275146, 10, 0.05],
    [1, 1, 0.31731050786291415],
  ])('P(χ²(%s, df %s)) = %s', (x, df, p) => {
    expect(chiSquareSurvival(x, df)).toBeCloseTo(p, 12);
  });

  it('even df agrees with the regularized gamma function', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 80, noNaN: true }),
        fc.integer({ min: 1, max: 6 }),
        (x, half) => {
          expect(chiSquareSurvival(x, 2 * half)).toBeCloseTo(regularizedGammaQ(half, x / 2), 12);
        },
      ),
    );
  });

  it('is 1 at 0 and falls as the statistic grows', () => {
    expect(chiSquareSurvival(0, 2)).toBe(1);
    expect(chiSquareSurvival(18.3, 2)).toBeCloseTo(Math.exp(-9.15), 14);
  });
});

describe('wilsonInterval', () => {
  // Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (Wilson score, no correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%s/%s at 95 %% → %s–%s', (x, n, lo, hi) => {
    const [low, high] = wilsonInterval(x, n, 0.95);
    expect(low).toBeCloseTo(lo, 4);
    expect(high).toBeCloseTo(hi, 4);
  });

  it('holds the estimate, stays in [0, 1], and narrows as confidence falls', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, share) => {
          const x = Math.round(share * n);
          const [lo, hi] = wilsonInterval(x, n, 0.95);
          const [lo80, hi80] = wilsonInterval(x, n, 0.8);
          expect(lo).toBeGreaterThanOrEqual(0);
          expect(hi).toBeLessThanOrEqual(1);
          expect(lo).toBeLessThanOrEqual(x / n + 1e-12);
          expect(hi).toBeGreaterThanOrEqual(x / n - 1e-12);
          expect(lo80).toBeGreaterThanOrEqual(lo - 1e-12);
          expect(hi80).toBeLessThanOrEqual(hi + 1e-12);
        },
      ),
    );
  });

  it('one-sided bounds use the one-sided quantile: the 97.5 % lower bound is the 95 % interval’s', () => {
    expect(wilsonBound(15, 148, 0.975, 'lower')).toBeCloseTo(wilsonInterval(15, 148, 0.95)[0], 12);
    expect(wilsonBound(15, 148, 0.975, 'upper')).toBeCloseTo(wilsonInterval(15, 148, 0.95)[1], 12);
  });

  it('is [0, 1] without trials and refuses impossible counts', () => {
    expect(wilsonInterval(0, 0, 0.95)).toEqual([0, 1]);
    expect(() => wilsonInterval(5, 3, 0.95)).toThrow(/successes/);
    expect(() => wilsonInterval(1, 3, 1)).toThrow(/confidence/);
  });
});

describe('gTest', () => {
  it('is 0 with p = 1 when the counts are the expected ones', () => {
    expect(gTest([30, 50, 120], [0.15, 0.25, 0.6])).toEqual({ g: 0, df: 2, pValue: 1 });
  });

  it('computes G = 2 Σ O ln(O/E) with 2 df for three classes', () => {
    const { g, df, pValue } = gTest([52, 50, 98], [0.15, 0.25, 0.6]);
    const expected = 2 * (52 * Math.log(52 / 30) + 50 * Math.log(50 / 50) + 98 * Math.log(98 / 120));
    expect(g).toBeCloseTo(expected, 12);
    expect(df).toBe(2);
    expect(pValue).toBeCloseTo(Math.exp(-expected / 2), 14);
  });

  // Two classes: 1 df, whose survival function is erfc(√(G/2)); 84 vs 16 against 3:1.
  it('has 1 df for two classes', () => {
    const { g, df, pValue } = gTest([84, 16], [0.75, 0.25]);
    expect(g).toBeCloseTo(2 * (84 * Math.log(84 / 75) + 16 * Math.log(16 / 25)), 12);
    expect(df).toBe(1);
    expect(pValue).toBeCloseTo(regularizedGammaQ(0.5, g / 2), 14);
    expect(pValue).toBeCloseTo(0.02916, 5);
  });

  it('is infinite when a class with baseline share 0 shows up', () => {
    expect(gTest([1, 9, 90], [0, 0.1, 0.9]).pValue).toBe(0);
  });
});

describe('SPRT', () => {
  it('has Wald’s boundaries', () => {
    const { lnA, lnB } = sprtBounds(0.05, 0.2);
    expect(lnA).toBeCloseTo(Math.log(16), 14);
    expect(lnB).toBeCloseTo(Math.log(0.2 / 0.95), 14);
    expect(sprtBounds(0.01 / 3, 0.05).lnA).toBeCloseTo(Math.log(285), 12);
    expect(sprtBounds(0.01 / 3, 0.05).lnB).toBeCloseTo(-2.9924, 4);
    expect(() => sprtBounds(0.5, 0.05)).toThrow(/α/);
  });

  it('adds ln(p1/p0) per bad event and ln((1−p1)/(1−p0)) per good one', () => {
    const h = { p0: 0.05, p1: 0.1 };
    expect(bernoulliLlr(3, 100, h)).toBeCloseTo(3 * Math.log(2) + 97 * Math.log(0.9 / 0.95), 12);
  });

  const rule = { alpha: 0.01 / 3, beta: 0.05, minTrials: 30, minBad: 3, maxTrials: 300, capConfidence: 0.99 };
  const h = { p0: 0.05, p1: 0.1 };

  it.each([
    { bad: 0, trials: 0, verdict: 'continue' },
    { bad: 0, trials: 60, verdict: 'accept_h0' },
    { bad: 2, trials: 20, verdict: 'continue' }, // below the floor: LLR alone cannot breach
    { bad: 30, trials: 200, verdict: 'accept_h1' },
    { bad: 10, trials: 200, verdict: 'accept_h0' },
    { bad: 10, trials: 150, verdict: 'continue' },
    { bad: 20, trials: 300, verdict: 'undecided' }, // LLR −1.3; 99 % upper bound 0.109 ≥ p1
    { bad: 25, trials: 300, verdict: 'undecided' }, // LLR 2.5; 99 % bounds 0.053–0.128 straddle p1
    { bad: 25, trials: 400, verdict: 'cap_h0' }, // LLR −2.5 short of ln B, but the 99 % upper bound 0.097 < p1
    { bad: 5, trials: 300, verdict: 'accept_h0' },
    { bad: 35, trials: 320, verdict: 'accept_h1' },
  ])('$bad of $trials → $verdict', ({ bad, trials, verdict }) => {
    expect(sequentialTest(bad, trials, h, rule).verdict).toBe(verdict);
  });

  it('at the cap, breaches when the 99 % lower bound clears p1 though the LLR is short of ln A', () => {
    const strict = { ...rule, alpha: 1e-9 }; // ln A 20.7; 49 of 300: LLR 20.4, lower bound 0.12
    expect(sequentialTest(49, 300, h, strict).verdict).toBe('cap_h1');
  });

  it('estimates the trials still needed from the drift at the observed rate', () => {
    const state = sequentialTest(12, 100, h, rule);
    const drift = 0.12 * Math.log(2) + 0.88 * Math.log(0.9 / 0.95);
    expect(state.verdict).toBe('continue');
    expect(state.moreTrials).toBe(Math.ceil((state.bounds.lnA - state.llr) / drift));
  });

  it('never accepts H1 below the floor and never accepts H0 when the data are worse than H1', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, share) => {
          const bad = Math.round(share * n);
          const state = sequentialTest(bad, n, h, rule);
          if (n < rule.minTrials || bad < rule.minBad) expect(state.verdict).not.toMatch(/h1/);
          if (n > 0 && bad / n >= h.p1) expect(state.verdict).not.toMatch(/h0/);
        },
      ),
    );
  });
});
