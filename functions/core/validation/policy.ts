/**
 * Policy `validation`: the runbook's checks before a rollback counts as deployed. Defaults keep
 * the behaviour without them: no smoke classifier, no required checks, and procedure B's GDS gate
 * refuses a target without a report unless `allowMissingGdsReport`.
 */
import * as z from 'zod';
import { IMPORTANCE_CLASSES } from '../events.ts';

const importance = z.enum(IMPORTANCE_CLASSES, {
  error: () => `must be one of ${IMPORTANCE_CLASSES.join(', ')}`,
});

/** One sample email of the smoke check with the label the restored prompt must give it. */
export const smokeSampleSchema = z.strictObject({
  id: z.string().min(1).max(256),
  snippet: z.string().max(10_000),
  expected: importance,
});
export type SmokeSample = z.infer<typeof smokeSampleSchema>;

export const validationPolicySchema = z
  .strictObject({
    /**
     * Procedure A's "run quick validation: test on 10 sample emails": the restored prompt's
     * classifier labels sample emails, compared with the expected labels before anything is
     * committed. Off unless `url` (the workflow) or `command` (`sentinel rollback`) is set.
     */
    smoke: z
      .strictObject({
        /** HTTPS endpoint: POST `{emails:[{id, snippet, expected}]}` → `{classifications:[{id, importance}]}`. */
        url: z
          .url('must be a URL')
          .refine(
            (url) => url.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url),
            'must be https:// (http:// only for 127.0.0.1)',
          )
          .optional(),
        /** A workstation command (`sentinel rollback` only; a Lambda cannot run it): the same JSON on stdin/stdout. */
        command: z.string().min(1).optional(),
        /** How many samples are classified (the first N). */
        sampleSize: z.number().int('must be a whole number').min(1, 'must be ≥ 1').max(1000).default(10),
        /** Share of the samples that must get their expected label (1 = all of them). */
        minAgreement: z.number().min(0, 'must be ≥ 0').max(1, 'must be ≤ 1').default(1),
        /** Samples in the policy itself… */
        samples: z.array(smokeSampleSchema).default([]),
        /** …or a JSON-lines file of samples in the application repository, read at the target ref. */
        samplesFile: z.string().min(1).optional(),
      })
      .prefault({})
      .superRefine((smoke, context) => {
        if (smoke.url === undefined && smoke.command === undefined) return;
        if (smoke.samples.length === 0 && smoke.samplesFile === undefined) {
          context.addIssue({
            code: 'custom',
            path: ['samples'],
            message: 'a smoke check needs samples: give samples or samplesFile',
          });
        }
      }),
    /**
     * GitHub check runs (by name) that must have succeeded on the rollback commit — for procedure
     * C on the rollback branch's head — before CheckDeploy counts the deploy. Absent = pending.
     */
    requiredChecks: z.array(z.string().min(1)).default([]),
    /** Procedure B may restore a model that has no stored GDS report. */
    allowMissingGdsReport: z.boolean().default(false),
  })
  .prefault({});

export type ValidationPolicy = z.infer<typeof validationPolicySchema>;
