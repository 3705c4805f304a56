import * as z from 'zod';

const count = z.number('must be a number').int('must be a whole number').nonnegative('must be ≥ 0');
const openRate = z.number('must be a number').gt(0, 'must be > 0').lt(1, 'must be < 1');
const confidence = z.number('must be a number').gt(0.5, 'must be > 0.5').lt(1, 'must be < 1');
const errorRate = z.number('must be a number').gt(0, 'must be > 0').lt(0.5, 'must be < 0.5');

/** H0 (healthy) and H1 (bad) rates of the trigger's bad event; the SPRT needs p0 < p1. */
function hypotheses(p0: number, p1: number) {
  return z
    .strictObject({ p0: openRate.default(p0), p1: openRate.default(p1) })
    .refine((h) => h.p0 < h.p1, { message: 'p0 must be < p1', path: ['p1'] })
    .prefault({});
}

/**
 * Confidence intervals (always shown) and the optional sequential mode. `threshold` mode is the
 * runbook exactly; `sequential` judges fp_budget and the GDS triggers with a truncated SPRT and
 * requires distribution_drift to be significant (README "Statistics").
 */
export const statisticsPolicySchema = z
  .strictObject({
    /** Two-sided confidence of the Wilson intervals printed next to every rate. */
    confidence: confidence.default(0.95),
    mode: z.enum(['threshold', 'sequential']).default('threshold'),
    /** Sequential mode: distribution_drift breaches only if the G-test against the baseline has p below this. */
    driftPValue: openRate.default(0.01),
    sequential: z
      .strictObject({
        /** Total false-breach budget, split evenly (Bonferroni) across the sequentially judged triggers. */
        alpha: errorRate.default(0.01),
        /** Chance of missing a version that is truly at p1. */
        beta: errorRate.default(0.05),
        /** The floor: no breach before this many labels (trials) and bad events. */
        minLabels: count.default(30),
        minBadEvents: count.default(3),
        /** The cap: an undecided SPRT with this many labels is settled by a one-sided Wilson bound, or warns. */
        maxLabels: count.positive('must be > 0').default(300),
        capConfidence: confidence.default(0.99),
        /** Bad events: fp_budget a critical false positive per classified email; precision 1 − precision; recall a miss. */
        fp_budget: hypotheses(0.05, 0.1),
        critical_precision: hypotheses(0.1, 0.15),
        critical_recall: hypotheses(0.2, 0.25),
        /** Verification checks test H0 = their limit's error rate against H1 = this many times it. */
        verificationBadRatio: z.number('must be a number').gt(1, 'must be > 1').default(1.5),
      })
      .refine((s) => s.minLabels <= s.maxLabels, {
        message: 'minLabels (the floor) must be ≤ maxLabels (the cap)',
        path: ['minLabels'],
      })
      .refine((s) => s.minBadEvents <= s.minLabels, {
        message: 'minBadEvents must be ≤ minLabels',
        path: ['minBadEvents'],
      })
      .prefault({}),
  })
  .prefault({});

export type StatisticsPolicy = z.infer<typeof statisticsPolicySchema>;

/** The triggers the sequential mode judges with an SPRT; α is split evenly across them. */
export const SEQUENTIAL_TRIGGERS = ['fp_budget', 'critical_precision', 'critical_recall'] as const;
export type SequentialTriggerId = (typeof SEQUENTIAL_TRIGGERS)[number];
