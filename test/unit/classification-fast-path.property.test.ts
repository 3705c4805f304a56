import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptClassification, classificationSchema, EVENT_LIMITS } from '../../functions/core/events.ts';

/** Valid values, edge values and wrong ones, per field: the fast path must never disagree with zod. */
const anything = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.string({ maxLength: 3 }),
  fc.constant([]),
  fc.constant({}),
);
/** Mostly valid, so that whole events are often valid; sometimes an edge or a wrong value. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: other, weight: 1 });
const string = (max: number) =>
  mostly(
    fc.string({ minLength: 1, maxLength: 4 }),
    fc.oneof(fc.constantFrom('', 'x'.repeat(max), 'x'.repeat(max + 1)), anything),
  );
const number = (max: number) =>
  mostly(
    fc.double({ min: 0, max, noNaN: true }),
    fc.oneof(
      fc.double({ min: -1, max: max * 1.01 }),
      fc.constantFrom(0, -0, max, max * 1.0000001, Number.POSITIVE_INFINITY, Number.NaN, 1e300),
      anything,
    ),
  );
const timestamp = mostly(
  fc
    .date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.oneof(
    fc.constantFrom(
      '2026-02-29T10:00:00Z',
      '2024-02-29T10:00:00Z',
      '2026-11-27T10:00Z',
      '2026-11-27T10:00:00+02:00',
      '2026-11-27 10:00:00Z',
      '2026-13-01T00:00:00Z',
      '0050-02-29T00:00:00Z',
      '2026-11-27T10:00:00.123456789Z',
    ),
    anything,
  ),
);
const part = mostly(
  fc.string({ minLength: 1, maxLength: 5 }),
  fc.oneof(fc.constantFrom('', 'p'.repeat(100), 'p'.repeat(101)), anything),
);
const version = mostly(
  fc.record({ model: part, modelVersion: part, prompt: part }),
  fc.oneof(
    fc.record({ model: part, modelVersion: part, prompt: part, extra: part }),
    fc.record({ model: part, prompt: part }),
    fc.constant(JSON.parse('{"model":"m","modelVersion":"1","prompt":"v","__proto__":{}}')),
    anything,
  ),
);
const classification = fc.record(
  {
    type: fc.constant('classification'),
    id: string(EVENT_LIMITS.idChars),
    ts: timestamp,
    version,
    importance: mostly(
      fc.constantFrom('critical', 'time_sensitive', 'routine'),
      fc.oneof(fc.constantFrom('Routine', 'toString'), anything),
    ),
    latencyMs: number(EVENT_LIMITS.maxLatencyMs),
    costUsd: number(EVENT_LIMITS.maxCostUsd),
    snippet: mostly(
      fc.string({ maxLength: 20 }),
      fc.oneof(fc.constant('s'.repeat(EVENT_LIMITS.snippetChars + 1)), anything),
    ),
    otp: mostly(fc.boolean(), anything),
    error: mostly(fc.boolean(), anything),
    shadow: mostly(fc.boolean(), anything),
    emailId: string(EVENT_LIMITS.idChars),
    unknownField: anything,
  },
  { requiredKeys: ['type', 'id', 'ts', 'version', 'importance'] },
);

describe('the classification fast path', () => {
  it('accepts only what zod accepts, with the same output', () => {
    let accepted = 0;
    fc.assert(
      fc.property(classification, (raw) => {
        const fast = acceptClassification(raw as Record<string, unknown>);
        const zod = classificationSchema.safeParse(raw);
        if (fast !== undefined) {
          accepted += 1;
          expect(zod.success).toBe(true);
          expect(fast).toEqual(zod.data);
        }
      }),
      { numRuns: 20_000 },
    );
    // Not vacuous: a share of the generated events is valid and takes the fast path.
    expect(accepted).toBeGreaterThan(1_000);
  });

  it('takes every plainly valid classification (the hot path at ingest)', () => {
    const raw = {
      type: 'classification',
      id: 'e-1',
      ts: '2026-11-27T10:00:00Z',
      version: { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' },
      importance: 'critical',
      latencyMs: 850,
      costUsd: 0.0011,
      snippet: 'Lunch at noon?',
      error: false,
    };
    expect(acceptClassification(raw)).toEqual(classificationSchema.parse(raw));
  });
});
