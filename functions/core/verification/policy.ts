import * as z from 'zod';
import { durationSchema, parseDuration } from '../duration.ts';

const fraction = z.number('must be a number').min(0, 'must be ≥ 0').max(1, 'must be ≤ 1');
const positive = z.number('must be a number').positive('must be > 0');
const nonNegative = z.number('must be a number').nonnegative('must be ≥ 0');
const count = z.number('must be a number').int('must be a whole number').nonnegative('must be ≥ 0');

/**
 * The seed's "Post-Rollback Verification" numbers (ARCHITECTURE.md §6). Self-contained so the
 * main policy can nest it as `verification`. Every stage judges only the restored version's
 * data since its deploy.
 */
export const verificationPolicySchema = z
  .strictObject({
    immediate: z
      .strictObject({
        /** How long after the deploy the stage is judged, by procedure (seed: monitor 30 min / 1 h / 2 h). */
        judgeAfter: z
          .strictObject({
            A: durationSchema.default('30m'),
            B: durationSchema.default('1h'),
            C: durationSchema.default('2h'),
          })
          .prefault({}),
        otpInCriticalMax: count.default(0),
        /** p95 latency must be strictly below this. */
        p95BelowMs: positive.default(2000),
        errorsMax: count.default(0),
        /** A pass needs this many classified emails (and latency samples) since the deploy. */
        minEmails: count.default(20),
      })
      .prefault({}),
    shortTerm: z
      .strictObject({
        /** The seed's 1–4 h window: judged once, 4 h after the deploy, over everything since it. */
        judgeAfter: durationSchema.default('4h'),
        precisionAtLeast: fraction.default(0.95),
        recallAtLeast: fraction.default(0.85),
        /** tp+fp (precision) or tp+fn (recall) needed, from a GDS report or the live estimate. */
        minQualitySamples: count.default(20),
        /** Cost per classification ÷ the policy baseline; 1 = "within baseline". */
        costRatioMax: positive.default(1),
        distributionWithinPp: nonNegative.default(5),
        /** For cost and distribution: a ±5 pp band needs a few hundred emails to mean anything. */
        minEmails: count.default(200),
      })
      .prefault({}),
    longTerm: z
      .strictObject({
        judgeAfter: durationSchema.default('24h'),
        /** Critical false positives (corrections critical → other) per 100 classified: strictly below. */
        fpRateBelowPer100: positive.default(3),
        gdsPrecisionAtLeast: fraction.default(0.95),
        gdsRecallAtLeast: fraction.default(0.85),
        minGdsSamples: count.default(20),
        minEmails: count.default(100),
      })
      .prefault({}),
    /** An inconclusive stage is judged again after `retryAfter`, at most `maxRetries` times, then escalates. */
    inconclusive: z
      .strictObject({
        retryAfter: durationSchema.default('15m'),
        maxRetries: count.default(4),
      })
      .prefault({}),
  })
  .refine(
    (policy) =>
      Math.max(...Object.values(policy.immediate.judgeAfter).map(parseDuration)) <=
        parseDuration(policy.shortTerm.judgeAfter) &&
      parseDuration(policy.shortTerm.judgeAfter) <= parseDuration(policy.longTerm.judgeAfter),
    {
      message: 'stages must be judged in order: immediate ≤ shortTerm.judgeAfter ≤ longTerm.judgeAfter',
      path: ['shortTerm', 'judgeAfter'],
    },
  )
  .prefault({});

export type VerificationPolicy = z.infer<typeof verificationPolicySchema>;

export const DEFAULT_VERIFICATION_POLICY: VerificationPolicy = verificationPolicySchema.parse(undefined);
