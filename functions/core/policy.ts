import * as z from 'zod';
import { durationBetween, parseDuration } from './duration.ts';
import { PolicyError } from './errors.ts';
import { otpPolicySchema } from './otp/extensions.ts';
import { statisticsPolicySchema } from './statistics/policy.ts';
import { validationPolicySchema } from './validation/policy.ts';
import { verificationPolicySchema } from './verification/policy.ts';

const fraction = z.number('must be a number').min(0, 'must be ≥ 0').max(1, 'must be ≤ 1');
const positive = z.number('must be a number').positive('must be > 0');
const nonNegative = z.number('must be a number').nonnegative('must be ≥ 0');
const minimum = z.number('must be a number').int('must be a whole number').nonnegative('must be ≥ 0');
/** Minute counts become CloudWatch evaluation periods: 0 periods is an alarm that cannot be made. */
const minutes = z
  .number('must be a number')
  .int('must be a whole number')
  .min(1, 'must be ≥ 1')
  .max(1440, 'must be ≤ 1440 (a day of minutes)');
/** A span of whole minutes (a latency rolling window is counted in minute buckets). */
function wholeMinutes(min: string, max: string) {
  return durationBetween(min, max).refine(
    (text) => safeDuration(text) % 60_000 === 0,
    'must be whole minutes, such as 10m or 1h',
  );
}
/** A trigger window: under a minute holds no whole bucket, so the trigger would turn inconclusive (off). */
const triggerWindow = durationBetween('1m', '30d');

/** A multiwindow burn-rate rule: both windows burn the error budget at ≥ factor × the sustainable rate. */
const burnRule = z
  .strictObject({
    longWindow: wholeMinutes('1m', '30d'),
    shortWindow: wholeMinutes('1m', '30d'),
    factor: positive,
  })
  .refine((rule) => parseDuration(rule.shortWindow) <= parseDuration(rule.longWindow), {
    message: 'shortWindow must be ≤ longWindow',
    path: ['shortWindow'],
  });
/** Lambda's synchronous payload limit: a larger body never reaches the handler. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** Every number the runbook names, with the seed's defaults (ARCHITECTURE.md §4). */
export const policySchema = z
  .strictObject({
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
          .strictObject({ window: triggerWindow.default('24h'), breachAbove: minimum.default(0) })
          .prefault({}),
        critical_precision: z
          .strictObject({
            warningBelow: fraction.default(0.95),
            breachBelow: fraction.default(0.9),
            maxReportAge: durationBetween('1h', '366d').default('7d'),
            minSamples: minimum.default(20),
          })
          .prefault({}),
        critical_recall: z
          .strictObject({
            warningBelow: fraction.default(0.85),
            breachBelow: fraction.default(0.8),
            maxReportAge: durationBetween('1h', '366d').default('7d'),
            minSamples: minimum.default(20),
          })
          .prefault({}),
        fp_budget: z
          .strictObject({
            window: triggerWindow.default('24h'),
            breachAbovePer100: nonNegative.default(5),
            minEmails: minimum.default(100),
          })
          .prefault({}),
        latency_p95: z
          .strictObject({
            window: triggerWindow.default('24h'),
            thresholdMs: positive.default(3000),
            warningAboveMinutes: minutes.default(10),
            breachAboveMinutes: minutes.default(30),
            /**
             * Each minute is judged on the rolling window ending at it (p95 > T ⟺ more than 5 % of
             * its samples above T, counted exactly at ingest), so low traffic still has enough samples.
             */
            rollingWindow: wholeMinutes('1m', '24h').default('10m'),
            minSamplesPerWindow: minutes.default(20),
            /** Samples a minute needs of its own to be judged: a quiet minute adds no news. */
            minSamplesPerMinute: minutes.default(1),
            /**
             * `streak` (the runbook): consecutive slow minutes. `burn_rate`: the SRE workbook's
             * multiwindow burn-rate alert on the SLO "objective of requests at or under thresholdMs".
             */
            mode: z.enum(['streak', 'burn_rate']).default('streak'),
            burnRate: z
              .strictObject({
                objective: z
                  .number('must be a number')
                  .gt(0, 'must be > 0')
                  .lt(1, 'must be < 1')
                  .default(0.99),
                /** A rule fires only if its short window holds this many latency samples. */
                minSamplesPerShortWindow: minimum.default(20),
                /** Any rule → breach (page). */
                page: z
                  .array(burnRule)
                  .min(1, 'needs a rule')
                  .default([
                    { longWindow: '1h', shortWindow: '5m', factor: 14.4 },
                    { longWindow: '6h', shortWindow: '30m', factor: 6 },
                  ]),
                /** Any rule → warning (ticket). */
                ticket: z.array(burnRule).default([{ longWindow: '3d', shortWindow: '6h', factor: 1 }]),
              })
              .prefault({}),
          })
          .prefault({}),
        cost_spike: z
          .strictObject({
            window: triggerWindow.default('24h'),
            breachAboveRatio: positive.default(2),
            minEmails: minimum.default(100),
          })
          .prefault({}),
        distribution_drift: z
          .strictObject({
            window: triggerWindow.default('24h'),
            warningAbovePp: nonNegative.default(5),
            breachAbovePp: nonNegative.default(10),
            minEmails: minimum.default(200),
          })
          .prefault({}),
        /** Warning only (never a rollback): the version went quiet, or its GDS reports stopped. */
        data_freshness: z
          .strictObject({ maxSilence: durationBetween('1m', '30d').default('30m') })
          .prefault({}),
      })
      .prefault({})
      .superRefine(checkTriggerOrder),
    /** Where the application repository keeps its versions (ARCHITECTURE.md §5). */
    repository: z
      .strictObject({
        versionFile: z.string().min(1).default('shopq/versioning.py'),
        promptFiles: z.array(z.string().min(1)).default(['shopq/prompts/classifier_prompt.txt']),
        /** The runbook's procedure B edits the Vertex classifier too: a model-only change there is B, not C. */
        modelReferenceFiles: z.array(z.string().min(1)).default(['shopq/vertex_gemini_classifier.py']),
        versionsLog: z.string().min(1).default('VERSIONS.md'),
        /** Procedure C: a rollback branch and pull request, or a commit straight on the default branch. */
        full: z.enum(['branch', 'direct']).default('branch'),
        /** Procedure B restores a model only if its newest GDS report meets these (none: see validation.allowMissingGdsReport). */
        gdsGate: z
          .strictObject({ minPrecision: fraction.default(0.95), minRecall: fraction.default(0.85) })
          .prefault({}),
      })
      .prefault({}),
    /** Hooks before a rollback counts: procedure A's smoke check, required checks, the GDS report rule. */
    validation: validationPolicySchema,
    /** Which versions the scheduled evaluator judges: those seen in live traffic this recently. */
    evaluator: z.strictObject({ activeWithin: durationBetween('1m', '30d').default('15m') }).prefault({}),
    workflow: z
      .strictObject({
        /** A revert that has not shown up in live traffic by then escalates. */
        deployTimeout: durationBetween('1m', '7d').default('30m'),
        /** How long a manual trigger waits for a human before it expires with a page. */
        approvalTimeout: durationBetween('1m', '30d').default('24h'),
      })
      .prefault({}),
    /** People's steering: cooldown between automatic rollbacks, warning dedupe, approval links. */
    control: z
      .strictObject({
        /** At most one automatic rollback per service within this span; a second breach pages instead. */
        cooldown: durationBetween('0s', '30d').default('6h'),
        /** Repeated warnings for the same trigger and version go out once per this span (pages never). */
        warningDedupe: durationBetween('1m', '7d').default('1h'),
        /** An automatic trigger inconclusive this long on a live version sends one alert, not silence. */
        inconclusiveAlertAfter: durationBetween('1m', '30d').default('2h'),
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
            minSpan: durationBetween('1h', '90d').default('3d'),
            minPairedEmails: minimum.default(500),
            maxDistributionPp: nonNegative.default(5),
            maxOtpInCritical: minimum.default(0),
            maxCostRatio: positive.default(2),
          })
          .prefault({}),
        /**
         * Runbook step 9, "monitor closely for 48 hours": for this long after a version first takes
         * live traffic its warnings page (topic `pages`, still deduplicated) instead of alerting.
         */
        closeMonitoring: durationBetween('1m', '30d').default('48h'),
      })
      .prefault({}),
    /** Extensions of the OTP detector (functions/core/otp.ts); the built-in rules always apply. */
    otp: otpPolicySchema,
    store: z
      .strictObject({
        /** Buckets expire after this long (DynamoDB TTL). */
        bucketTtl: durationBetween('1h', '366d').default('35d'),
      })
      .prefault({}),
    ingest: z
      .strictObject({
        maxEventsPerBatch: z.number().int().positive().max(100_000).default(1000),
        maxBodyBytes: z
          .number()
          .int()
          .positive()
          .max(MAX_BODY_BYTES, `must be ≤ ${MAX_BODY_BYTES} (6 MB, the Lambda payload limit)`)
          .default(4_000_000),
        /** How far ahead of the receiver's clock an event's `ts` may be (clients' clocks drift). */
        maxClockSkew: durationBetween('0s', '1h').default('5m'),
      })
      .prefault({}),
  })
  .superRefine(checkWindowsFitTtl);

type TriggersShape = {
  critical_precision: { warningBelow: number; breachBelow: number };
  critical_recall: { warningBelow: number; breachBelow: number };
  latency_p95: { warningAboveMinutes: number; breachAboveMinutes: number };
  distribution_drift: { warningAbovePp: number; breachAbovePp: number };
};

/**
 * Warning must come before breach, in the direction the value worsens: precision and recall
 * worsen downwards (warning ≥ breach), latency minutes and drift upwards (warning ≤ breach).
 * The wrong order would make a breach that never warned, or a warning that can never fire.
 */
function checkTriggerOrder(triggers: TriggersShape, context: z.RefinementCtx): void {
  const order = (path: [string, string], ok: boolean, message: string) => {
    if (!ok) context.addIssue({ code: 'custom', path, message });
  };
  for (const id of ['critical_precision', 'critical_recall'] as const) {
    const t = triggers[id];
    order([id, 'warningBelow'], t.warningBelow >= t.breachBelow, `must be ≥ breachBelow (${t.breachBelow})`);
  }
  const latency = triggers.latency_p95;
  order(
    ['latency_p95', 'warningAboveMinutes'],
    latency.warningAboveMinutes <= latency.breachAboveMinutes,
    `must be ≤ breachAboveMinutes (${latency.breachAboveMinutes})`,
  );
  const drift = triggers.distribution_drift;
  order(
    ['distribution_drift', 'warningAbovePp'],
    drift.warningAbovePp <= drift.breachAbovePp,
    `must be ≤ breachAbovePp (${drift.breachAbovePp})`,
  );
}

/** Refinements may see fields that already failed their own check: those are reported there. */
function safeDuration(text: string): number {
  try {
    return parseDuration(text);
  } catch {
    return 0;
  }
}

/** Buckets older than the TTL are gone: a window longer than it would judge on missing data. */
function checkWindowsFitTtl(
  policy: { triggers: Record<string, object>; store: { bucketTtl: string } },
  context: z.RefinementCtx,
): void {
  let longest = 0;
  let longestPath = '';
  for (const [id, trigger] of Object.entries(policy.triggers)) {
    const window = (trigger as { window?: unknown }).window;
    if (typeof window !== 'string') continue;
    const ms = safeDuration(window);
    if (ms > longest) {
      longest = ms;
      longestPath = `triggers.${id}.window`;
    }
  }
  const ttl = safeDuration(policy.store.bucketTtl);
  if (ttl > 0 && ttl < longest) {
    context.addIssue({
      code: 'custom',
      path: ['store', 'bucketTtl'],
      message: `must be ≥ the longest trigger window (${longestPath})`,
    });
  }
}

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
