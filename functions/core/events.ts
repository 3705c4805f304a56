import * as z from 'zod';
import { isOtp, type OtpExtensions } from './otp.ts';
import { MAX_VERSION_PART_CHARS, type Version, versionSchema } from './version.ts';

export const IMPORTANCE_CLASSES = ['critical', 'time_sensitive', 'routine'] as const;
export type Importance = (typeof IMPORTANCE_CLASSES)[number];
export const EVENT_TYPES = ['classification', 'correction', 'gds_report'] as const;

/**
 * Bounds on every field (README "Events"). Strings end up in DynamoDB keys and items (1 KB sort
 * keys, 400 KB items); numbers are summed into integer counters that must stay exact
 * (`Number.MAX_SAFE_INTEGER`): at the caps below even a 100,000-event batch of maximal values sums
 * to at most 1e15 nano-dollars, and the counters saturate rather than overflow beyond that.
 */
export const EVENT_LIMITS = {
  idChars: 256,
  datasetChars: 256,
  snippetChars: 10_000,
  maxCostUsd: 10,
  maxLatencyMs: 3_600_000,
  maxCount: 1_000_000_000,
  /** Objects and arrays nested deeper than this are refused before any schema looks at them. */
  maxDepth: 8,
} as const;

/**
 * How an error names a value without echoing it: short enum-like strings are quoted (people need
 * to see "Routine" vs "routine"), anything else is described by its kind. Never JSON.stringify a
 * user value here: a deeply nested one overflows the stack, a long one may be an email snippet.
 */
export function describeInput(value: unknown): string {
  if (typeof value === 'string') {
    return value.length <= 32 && /^[\w .:-]*$/.test(value)
      ? `"${value}"`
      : `a string of ${value.length} characters`;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'a non-finite number';
  return typeof value;
}

const importanceSchema = z.enum(IMPORTANCE_CLASSES, {
  error: (issue) => `must be one of ${IMPORTANCE_CLASSES.join(', ')} (got ${describeInput(issue.input)})`,
});
const number = (max: number, unit: string) =>
  z
    .number('must be a number')
    .finite('must be finite')
    .nonnegative('must not be negative')
    .max(max, `must be at most ${max.toLocaleString('en-US')}${unit}`);
// The bound comes before the whole-number check: 1e300 is "too large", not "not whole".
const count = z
  .number('must be a number')
  .nonnegative('must not be negative')
  .max(EVENT_LIMITS.maxCount, `must be at most ${EVENT_LIMITS.maxCount.toLocaleString('en-US')}`)
  .int('must be a whole number');
const boundedString = (max: number) =>
  z
    .string('must be a string')
    .min(1, 'must be a non-empty string')
    .max(max, `must be at most ${max.toLocaleString('en-US')} characters`);
const TIMESTAMP_MESSAGE = 'must be an ISO 8601 UTC timestamp such as 2026-11-27T10:00:00Z';
// One Date.parse per event (validate and convert together): it is a hot path at ingest.
const timestamp = z.string(TIMESTAMP_MESSAGE).transform((text, context) => {
  const ms = timestampMs(text);
  if (ms !== undefined) return ms;
  context.addIssue({ code: 'custom', message: TIMESTAMP_MESSAGE });
  return z.NEVER;
});
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of an ISO 8601 timestamp naming a real calendar day, else undefined. */
function timestampMs(text: string): number | undefined {
  const ms = ISO_TIMESTAMP.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isFinite(ms) && isCalendarDate(text) ? ms : undefined;
}
/** The decimal number written by `count` ASCII digits from `at` (already matched as digits). */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let index = at; index < at + count; index++) value = value * 10 + text.charCodeAt(index) - 48;
  return value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Date.parse rolls "2026-02-30" over to 2 March; a timestamp naming a day that does not exist is
 * wrong. `text` starts YYYY-MM-DD (ISO_TIMESTAMP). Years 0–99 are judged as 1900–1999, as
 * Date.UTC reads them (the check this replaced).
 */
export function isCalendarDate(text: string): boolean {
  const written = digitsAt(text, 0, 4);
  const year = written < 100 ? written + 1900 : written;
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  return days !== undefined && day >= 1 && day <= days;
}
const id = boundedString(EVENT_LIMITS.idChars);

const common = {
  id,
  ts: timestamp,
  version: versionSchema,
};

export const classificationSchema = z.object({
  ...common,
  type: z.literal('classification'),
  importance: importanceSchema,
  latencyMs: number(EVENT_LIMITS.maxLatencyMs, ' ms').optional(),
  costUsd: number(EVENT_LIMITS.maxCostUsd, ' USD').optional(),
  snippet: z
    .string('must be a string')
    .max(
      EVENT_LIMITS.snippetChars,
      `must be at most ${EVENT_LIMITS.snippetChars.toLocaleString('en-US')} characters`,
    )
    .optional(),
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
  dataset: boundedString(EVENT_LIMITS.datasetChars),
  critical: confusionSchema,
  time_sensitive: confusionSchema.optional(),
  routine: confusionSchema.optional(),
  otpInCritical: count.optional(),
});

/**
 * A classification as Sentinel keeps it: the snippet is gone, only the OTP verdict remains —
 * the classifier's own flag, or for a critical email the detector's verdict on its snippet.
 */
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

/**
 * `unknownFields`: top-level keys the schema does not know (`latency_ms` for `latencyMs`). zod
 * strips them, so the event is valid without them; they are returned so that a caller with a
 * terminal can warn, since a misspelled optional field would otherwise vanish without a word.
 */
export type EventParseResult =
  | { ok: true; event: SentinelEvent; unknownFields?: string[] }
  | { ok: false; rejection: EventRejection };

/** A Map, not an object literal: `"constructor"` or `"__proto__"` must not find an inherited member. */
const schemaByType = new Map<string, (typeof SCHEMAS)[keyof typeof SCHEMAS]>();
const SCHEMAS = {
  classification: classificationSchema,
  correction: correctionSchema,
  gds_report: gdsReportSchema,
} as const;
for (const type of EVENT_TYPES) schemaByType.set(type, SCHEMAS[type]);

/** The top-level field names each event type accepts (what a misspelling is compared against). */
export const EVENT_FIELDS: Readonly<Record<(typeof EVENT_TYPES)[number], readonly string[]>> = {
  classification: Object.keys(classificationSchema.shape),
  correction: Object.keys(correctionSchema.shape),
  gds_report: Object.keys(gdsReportSchema.shape),
};

/**
 * The instants an event's `ts` may name, decided by the caller (core reads no clock): not after
 * `notAfter` (now plus a small clock skew), not before `notBefore` (older buckets have expired).
 * `describe*` say in words what the bound is, for the rejection message.
 */
export interface TimestampWindow {
  notBefore: number;
  notAfter: number;
  describeNotBefore: string;
  describeNotAfter: string;
}

/**
 * Validates one raw event. The first problem is reported with the field's dotted path;
 * a snippet is turned into an `otp` verdict here (with the policy's detector extensions, when
 * the caller has a policy) and never leaves this function. With a `window`, a timestamp outside
 * it is rejected as `ts`.
 */
export function parseEvent(
  raw: unknown,
  index: number,
  options: { window?: TimestampWindow; otp?: OtpExtensions } = {},
): EventParseResult {
  const { window } = options;
  const reject = (field: string, message: string, eventId: string | null = null): EventParseResult => ({
    ok: false,
    rejection: { index, id: eventId, field, message },
  });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return reject('(event)', 'must be a JSON object');
  }
  const record = raw as Record<string, unknown>;
  const eventId =
    typeof record.id === 'string' && record.id.length <= EVENT_LIMITS.idChars ? record.id : null;
  const deep = tooDeepField(record, EVENT_LIMITS.maxDepth);
  if (deep !== undefined) {
    return reject(deep, `nests deeper than ${EVENT_LIMITS.maxDepth} levels`, eventId);
  }
  const schema = typeof record.type === 'string' ? schemaByType.get(record.type) : undefined;
  if (schema === undefined) {
    return reject(
      'type',
      record.type === undefined
        ? `is required; one of ${EVENT_TYPES.join(', ')}`
        : `must be one of ${EVENT_TYPES.join(', ')} (got ${describeInput(record.type)})`,
      eventId,
    );
  }
  const accepted = record.type === 'classification' ? acceptClassification(record) : undefined;
  const parsed = accepted !== undefined ? { success: true as const, data: accepted } : schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(event)';
    // zod does not report the input by default, so look at the raw event: only an absent field
    // is "required"; a present one of the wrong type keeps the schema's own message.
    // An unknown key's name is the caller's text: list what is allowed instead of echoing it.
    const message =
      issue?.code === 'invalid_type' && valueAt(record, issue.path) === undefined
        ? 'is required'
        : issue?.code === 'unrecognized_keys'
          ? 'has unknown fields; allowed are model, modelVersion, prompt'
          : issue?.message;
    return reject(field, message ?? 'is invalid', eventId);
  }
  if (window !== undefined) {
    const ts = parsed.data.ts;
    if (ts > window.notAfter) return reject('ts', `must not be after ${window.describeNotAfter}`, eventId);
    if (ts < window.notBefore) return reject('ts', `must not be before ${window.describeNotBefore}`, eventId);
  }
  const event = normalise(parsed.data, options.otp);
  const known = EVENT_FIELDS[parsed.data.type];
  const unknownFields = Object.keys(record).filter((key) => !known.includes(key));
  return unknownFields.length === 0 ? { ok: true, event } : { ok: true, event, unknownFields };
}

type Classification = z.infer<typeof classificationSchema>;
const OPTIONAL_FLAGS = ['otp', 'error', 'shadow'] as const;

/**
 * The classification schema's answer for a plainly valid classification, without zod (the
 * costliest step of ingest, at one call per event); undefined for anything else, which zod then
 * judges and words the error for. A property test checks that whatever this accepts, zod
 * accepts with the same output.
 */
export function acceptClassification(record: Record<string, unknown>): Classification | undefined {
  const { id, ts, version, importance, latencyMs, costUsd, snippet, emailId } = record;
  if (!isBoundedString(id, EVENT_LIMITS.idChars) || typeof ts !== 'string') return undefined;
  if (emailId !== undefined && !isBoundedString(emailId, EVENT_LIMITS.idChars)) return undefined;
  if (typeof importance !== 'string' || !(IMPORTANCE_CLASSES as readonly string[]).includes(importance))
    return undefined;
  const parsedVersion = plainVersion(version);
  if (parsedVersion === undefined) return undefined;
  if (!isOptionalBoundedNumber(latencyMs, EVENT_LIMITS.maxLatencyMs)) return undefined;
  if (!isOptionalBoundedNumber(costUsd, EVENT_LIMITS.maxCostUsd)) return undefined;
  if (snippet !== undefined && (typeof snippet !== 'string' || snippet.length > EVENT_LIMITS.snippetChars))
    return undefined;
  for (const flag of OPTIONAL_FLAGS)
    if (record[flag] !== undefined && typeof record[flag] !== 'boolean') return undefined;
  const ms = timestampMs(ts);
  if (ms === undefined) return undefined;
  const event: Classification = {
    id,
    ts: ms,
    version: parsedVersion,
    type: 'classification',
    importance: importance as Importance,
  };
  if (latencyMs !== undefined) event.latencyMs = latencyMs as number;
  if (costUsd !== undefined) event.costUsd = costUsd as number;
  if (snippet !== undefined) event.snippet = snippet;
  for (const flag of OPTIONAL_FLAGS) if (record[flag] !== undefined) event[flag] = record[flag] as boolean;
  if (emailId !== undefined) event.emailId = emailId;
  return event;
}

function isBoundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= max;
}

function isOptionalBoundedNumber(value: unknown, max: number): boolean {
  return (
    value === undefined || (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max)
  );
}

/** A version object with exactly the three parts (the schema is strict), each 1–100 characters. */
function plainVersion(value: unknown): Version | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const parts = value as Record<string, unknown>;
  let count = 0;
  for (const key in parts) {
    if (!Object.hasOwn(parts, key)) return undefined;
    count += 1;
  }
  const { model, modelVersion, prompt } = parts;
  if (count !== 3 || Object.getPrototypeOf(parts) !== Object.prototype) return undefined;
  if (![model, modelVersion, prompt].every((part) => isBoundedString(part, MAX_VERSION_PART_CHARS)))
    return undefined;
  return { model, modelVersion, prompt } as Version;
}

/**
 * The top-level field under which the value nests deeper than `limit` (or "(event)"), else
 * undefined. Iterative, and it stops at the limit, so a 10,000-deep value costs ~`limit` steps
 * per branch and never the stack.
 */
function tooDeepField(record: Record<string, unknown>, limit: number): string | undefined {
  for (const key in record) {
    const value = record[key];
    // Most fields are plain values: no stack for them.
    if (!Object.hasOwn(record, key) || typeof value !== 'object' || value === null) continue;
    const stack: [unknown, number][] = [[value, 1]];
    while (stack.length > 0) {
      const [node, depth] = stack.pop() as [unknown, number];
      if (typeof node !== 'object' || node === null) continue;
      if (depth >= limit) return /^[A-Za-z_]{1,32}$/.test(key) ? key : '(event)';
      for (const child of Object.values(node)) stack.push([child, depth + 1]);
    }
  }
  return undefined;
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
  data: z.infer<(typeof SCHEMAS)[keyof typeof SCHEMAS]>,
  otpExtensions: OtpExtensions | undefined,
): SentinelEvent {
  if (data.type !== 'classification') return data;
  const { snippet, otp, ...rest } = data;
  // The classifier's own `"otp": true` counts whatever the detector says of the snippet. Only an
  // OTP in critical is ever counted (the P0 trigger, the shadow's otpInCritical), so only a
  // critical snippet is worth the detector's time.
  const detected = rest.importance === 'critical' && snippet !== undefined && isOtp(snippet, otpExtensions);
  return { ...rest, otp: otp === true || detected };
}
