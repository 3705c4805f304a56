import { z } from 'zod';
import { durationSchema, parseDuration } from './duration.ts';
import { PolicyError } from './errors.ts';
import { statisticsPolicySchema } from './statistics/policy.ts';
import { verificationPolicySchema } from './verification/policy.ts';

const fraction = z.number('must be a number').min(0, 'must be ≥ 0').max(1, 'must be ≤ 1');
const positive = z.number('must be a number').positive('must be > 0');
const nonNegative = z.number('must be a number').nonnegative('must be ≥ 0');
const minimum = z.number('must be a number').int('must be a whole number').nonnegative('must be ≥ 0');

/** Every number the runbook names, with the seed's defaults (ARCHITECTURE.md §4). */
export const policySchema = z.strictObject({
  /** The one classifier service this deployment watches. */
  service: z.string().min(1).default('shopq-classifier'),
  /** `dry-run` records and notifies but never writes to the application repository. */
  mode: z.enum(['active', 'dry-run']).default('active'),
  baseline: z
    .strictObject({
      costPerClassificationUsd: positive.default(0.001),
      distribution: z
        .strictObject({
          critical: fraction.default(0.15),
          time_sensitive: fraction.default(0.25),
          routine: fraction.default(0.6),
        })
        .prefault({})
        .refine(
          (shares) => Math.abs(shares.critical + shares.time_sensitive + shares.routine - 1) < 1e-6,
          'shares must add up to 1',
        ),
    })
    .prefault({}),
  triggers: z
    .strictObject({
      otp_in_critical: z
        .strictObject({ window: durationSchema.default('24h'), breachAbove: minimum.default(0) })
        .prefault({}),
      critical_precision: z
        .strictObject({
          warningBelow: fraction.default(0.95),
          breachBelow: fraction.default(0.9),
          maxReportAge: durationSchema.default('7d'),
          minSamples: minimum.default(20),
        })
        .prefault({}),
      critical_recall: z
        .strictObject({
          warningBelow: fraction.default(0.85),
          breachBelow: fraction.default(0.8),
          maxReportAge: durationSchema.default('7d'),
          minSamples: minimum.default(20),
        })
        .prefault({}),
      fp_budget: z
        .strictObject({
          window: durationSchema.default('24h'),
          breachAbovePer100: nonNegative.default(5),
          minEmails: minimum.default(100),
        })
        .prefault({}),
      latency_p95: z
        .strictObject({
          window: durationSchema.default('24h'),
          thresholdMs: positive.default(3000),
          warningAboveMinutes: minimum.default(10),
          breachAboveMinutes: minimum.default(30),
          minSamplesPerMinute: minimum.default(5),
        })
        .prefault({}),
      cost_spike: z
        .strictObject({
          window: durationSchema.default('24h'),
          breachAboveRatio: positive.default(2),
          minEmails: minimum.default(100),
        })
        .prefault({}),
      distribution_drift: z
        .strictObject({
          window: durationSchema.default('24h'),
          warningAbovePp: nonNegative.default(5),
          breachAbovePp: nonNegative.default(10),
          minEmails: minimum.default(200),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Where the application repository keeps its versions (ARCHITECTURE.md §5). */
  repository: z
    .strictObject({
      versionFile: z.string().min(1).default('shopq/versioning.py'),
      promptFiles: z.array(z.string().min(1)).default(['shopq/prompts/classifier_prompt.txt']),
      modelReferenceFiles: z.array(z.string().min(1)).default([]),
      versionsLog: z.string().min(1).default('VERSIONS.md'),
      /** Procedure C: a rollback branch and pull request, or a commit straight on the default branch. */
      full: z.enum(['branch', 'direct']).default('branch'),
      /** Procedure B restores a model only if its newest GDS report (when one exists) meets these. */
      gdsGate: z
        .strictObject({ minPrecision: fraction.default(0.95), minRecall: fraction.default(0.85) })
        .prefault({}),
    })
    .prefault({}),
  /** Which versions the scheduled evaluator judges: those seen in live traffic this recently. */
  evaluator: z.strictObject({ activeWithin: durationSchema.default('15m') }).prefault({}),
  workflow: z
    .strictObject({
      /** A revert that has not shown up in live traffic by then escalates. */
      deployTimeout: durationSchema.default('30m'),
      /** How long a manual trigger waits for a human before it expires with a page. */
      approvalTimeout: durationSchema.default('24h'),
    })
    .prefault({}),
  /** People's steering: cooldown between automatic rollbacks, warning dedupe, approval links. */
  control: z
    .strictObject({
      /** At most one automatic rollback per service within this span; a second breach pages instead. */
      cooldown: durationSchema.default('6h'),
      /** Repeated warnings for the same trigger and version go out once per this span (pages never). */
      warningDedupe: durationSchema.default('1h'),
    })
    .prefault({}),
  /** Confidence intervals on every rate, and the optional sequential decisions (README "Statistics"). */
  statistics: statisticsPolicySchema,
  /** Post-rollback verification stages (runbook "Post-Rollback Verification"). */
  verification: verificationPolicySchema,
  /** Runbook "Version Change Workflow (Prevention)": the pre-deploy gate and the shadow period. */
  prevention: z
    .strictObject({
      gate: z
        .strictObject({
          minCriticalPrecision: fraction.default(0.95),
          minCriticalRecall: fraction.default(0.85),
          /** OTP emails the candidate may classify as critical on the golden set; a report without the count fails. */
          maxOtpInCritical: minimum.default(0),
        })
        .prefault({}),
      shadow: z
        .strictObject({
          minSpan: durationSchema.default('3d'),
          minPairedEmails: minimum.default(500),
          maxDistributionPp: nonNegative.default(5),
          maxOtpInCritical: minimum.default(0),
          maxCostRatio: positive.default(2),
        })
        .prefault({}),
    })
    .prefault({}),
  store: z
    .strictObject({
      /** Buckets expire after this long (DynamoDB TTL). */
      bucketTtl: durationSchema.default('35d'),
    })
    .prefault({}),
  ingest: z
    .strictObject({
      maxEventsPerBatch: z.number().int().positive().max(100_000).default(1000),
      maxBodyBytes: z.number().int().positive().default(4_000_000),
    })
    .prefault({}),
});

export type Policy = z.infer<typeof policySchema>;
export type TriggerPolicies = Policy['triggers'];

export const DEFAULT_POLICY: Policy = policySchema.parse({});

/** Validates a parsed policy document; the error names every bad field by its path. */
export function parsePolicy(document: unknown, source = 'policy'): Policy {
  const parsed = policySchema.safeParse(document ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`,
    );
    throw new PolicyError(`${source} is invalid:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

/** Window lengths in milliseconds, resolved once so evaluators never parse text. */
export function windowMs(duration: string): number {
  return parseDuration(duration);
}
