import { z } from 'zod';
import { isOtp, type OtpExtensions } from './otp.ts';
import { type Version, versionSchema } from './version.ts';

export const IMPORTANCE_CLASSES = ['critical', 'time_sensitive', 'routine'] as const;
export type Importance = (typeof IMPORTANCE_CLASSES)[number];
export const EVENT_TYPES = ['classification', 'correction', 'gds_report'] as const;

const importanceSchema = z.enum(IMPORTANCE_CLASSES, {
  error: (issue) => `must be one of ${IMPORTANCE_CLASSES.join(', ')} (got ${JSON.stringify(issue.input)})`,
});
const nonNegative = z.number('must be a number').finite('must be finite').nonnegative('must not be negative');
const count = z.number('must be a number').int('must be a whole number').nonnegative('must not be negative');
const timestamp = z
  .string('must be an ISO 8601 UTC timestamp such as 2026-11-27T10:00:00Z')
  .refine(
    (text) => ISO_TIMESTAMP.test(text) && Number.isFinite(Date.parse(text)) && isCalendarDate(text),
    'must be an ISO 8601 UTC timestamp such as 2026-11-27T10:00:00Z',
  )
  .transform((text) => Date.parse(text));
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Date.parse rolls "2026-02-30" over to 2 March; a timestamp naming a day that does not exist is wrong. */
function isCalendarDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}
const id = z
  .string('must be a string')
  .min(1, 'must be a non-empty string')
  .max(256, 'must be at most 256 characters');

const common = {
  id,
  ts: timestamp,
  version: versionSchema,
};

const classificationSchema = z.object({
  ...common,
  type: z.literal('classification'),
  importance: importanceSchema,
  latencyMs: nonNegative.optional(),
  costUsd: nonNegative.optional(),
  snippet: z.string('must be a string').optional(),
  otp: z.boolean('must be true or false').optional(),
  error: z.boolean('must be true or false').optional(),
  shadow: z.boolean('must be true or false').optional(),
  emailId: id.optional(),
});

const correctionSchema = z.object({
  ...common,
  type: z.literal('correction'),
  emailId: id,
  oldImportance: importanceSchema,
  newImportance: importanceSchema,
});

const confusionSchema = z.object({ tp: count, fp: count, fn: count });

const gdsReportSchema = z.object({
  ...common,
  type: z.literal('gds_report'),
  dataset: z.string('must be a string').min(1, 'must be a non-empty string'),
  critical: confusionSchema,
  time_sensitive: confusionSchema.optional(),
  routine: confusionSchema.optional(),
  otpInCritical: count.optional(),
});

/** A classification as Sentinel keeps it: the snippet is gone, only the OTP verdict remains. */
export interface ClassificationEvent {
  type: 'classification';
  id: string;
  ts: number;
  version: Version;
  importance: Importance;
  otp: boolean;
  latencyMs?: number;
  costUsd?: number;
  error?: boolean;
  shadow?: boolean;
  emailId?: string;
}

export interface CorrectionEvent {
  type: 'correction';
  id: string;
  ts: number;
  version: Version;
  emailId: string;
  oldImportance: Importance;
  newImportance: Importance;
}

export type Confusion = z.infer<typeof confusionSchema>;

export interface GdsReportEvent {
  type: 'gds_report';
  id: string;
  ts: number;
  version: Version;
  dataset: string;
  critical: Confusion;
  time_sensitive?: Confusion;
  routine?: Confusion;
  otpInCritical?: number;
}

export type SentinelEvent = ClassificationEvent | CorrectionEvent | GdsReportEvent;

export interface EventRejection {
  index: number;
  id: string | null;
  field: string;
  message: string;
}

export type EventParseResult = { ok: true; event: SentinelEvent } | { ok: false; rejection: EventRejection };

const schemaByType = {
  classification: classificationSchema,
  correction: correctionSchema,
  gds_report: gdsReportSchema,
} as const;

/**
 * Validates one raw event. The first problem is reported with the field's dotted path;
 * a snippet is turned into an `otp` verdict here (with the policy's detector extensions, when
 * the caller has a policy) and never leaves this function.
 */
export function parseEvent(raw: unknown, index: number, otpExtensions?: OtpExtensions): EventParseResult {
  const reject = (field: string, message: string, eventId: string | null = null): EventParseResult => ({
    ok: false,
    rejection: { index, id: eventId, field, message },
  });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return reject('(event)', 'must be a JSON object');
  }
  const record = raw as Record<string, unknown>;
  const eventId = typeof record.id === 'string' ? record.id : null;
  if (typeof record.type !== 'string' || !(record.type in schemaByType)) {
    return reject(
      'type',
      record.type === undefined
        ? `is required; one of ${EVENT_TYPES.join(', ')}`
        : `must be one of ${EVENT_TYPES.join(', ')} (got ${JSON.stringify(record.type)})`,
      eventId,
    );
  }
  const parsed = schemaByType[record.type as keyof typeof schemaByType].safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(event)';
    // zod does not report the input by default, so look at the raw event: only an absent field
    // is "required"; a present one of the wrong type keeps the schema's own message.
    const message =
      issue?.code === 'invalid_type' && valueAt(record, issue.path) === undefined
        ? 'is required'
        : issue?.message;
    return reject(field, message ?? 'is invalid', eventId);
  }
  return { ok: true, event: normalise(parsed.data, otpExtensions) };
}

function valueAt(record: unknown, path: readonly PropertyKey[]): unknown {
  let value = record;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function normalise(
  data: z.infer<(typeof schemaByType)[keyof typeof schemaByType]>,
  otpExtensions: OtpExtensions | undefined,
): SentinelEvent {
  if (data.type !== 'classification') return data;
  const { snippet, otp, ...rest } = data;
  // The classifier's own `"otp": true` counts whatever the detector says of the snippet.
  return { ...rest, otp: otp === true || (snippet !== undefined && isOtp(snippet, otpExtensions)) };
}
