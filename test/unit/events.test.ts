import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../functions/core/events.ts';
import { timestampWindow } from '../../functions/core/ingest.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';

const version = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
const classification = {
  type: 'classification',
  id: 'e-1',
  ts: '2026-11-27T10:00:00Z',
  version,
  importance: 'critical',
  latencyMs: 850,
  costUsd: 0.0011,
  error: false,
};
const correction = {
  type: 'correction',
  id: 'c-1',
  ts: '2026-11-27T10:05:00Z',
  version,
  emailId: 'e-1',
  oldImportance: 'critical',
  newImportance: 'routine',
};
const gdsReport = {
  type: 'gds_report',
  id: 'g-1',
  ts: '2026-11-27T09:00:00Z',
  version,
  dataset: 'gds-1',
  critical: { tp: 171, fp: 9, fn: 21 },
};

function rejection(raw: unknown) {
  const result = parseEvent(raw, 7);
  if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
  return result.rejection;
}

describe('parseEvent accepts the contract examples', () => {
  it.each([classification, correction, gdsReport])('$type', (raw) => {
    const result = parseEvent(raw, 0);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.event).toMatchObject({ type: raw.type, id: raw.id, ts: Date.parse(raw.ts), version });
    }
  });

  it('accepts timestamps with offsets and fractions', () => {
    const result = parseEvent({ ...classification, ts: '2026-11-27T11:00:00.250+01:00' }, 0);
    expect(result.ok && result.event.ts).toBe(Date.parse('2026-11-27T10:00:00.250Z'));
  });
});

describe('parseEvent names the event and the field of each problem', () => {
  it.each([
    {
      name: 'unknown type',
      raw: { ...classification, type: 'click' },
      field: 'type',
      message: /must be one of classification, correction, gds_report \(got "click"\)/,
    },
    {
      name: 'missing type',
      raw: { ...classification, type: undefined },
      field: 'type',
      message: /is required/,
    },
    { name: 'missing id', raw: { ...classification, id: undefined }, field: 'id', message: /^is required$/ },
    { name: 'empty id', raw: { ...classification, id: '' }, field: 'id', message: /non-empty/ },
    { name: 'missing ts', raw: { ...classification, ts: undefined }, field: 'ts', message: /^is required$/ },
    { name: 'ts in words', raw: { ...classification, ts: 'yesterday' }, field: 'ts', message: /ISO 8601/ },
    {
      name: 'ts without zone',
      raw: { ...classification, ts: '2026-11-27T10:00:00' },
      field: 'ts',
      message: /ISO 8601/,
    },
    {
      name: 'ts with month 13',
      raw: { ...classification, ts: '2026-13-27T10:00:00Z' },
      field: 'ts',
      message: /ISO 8601/,
    },
    {
      name: 'ts on 30 February',
      raw: { ...classification, ts: '2026-02-30T10:00:00Z' },
      field: 'ts',
      message: /ISO 8601/,
    },
    {
      name: 'ts as a number',
      raw: { ...classification, ts: 1795773600000 },
      field: 'ts',
      message: /ISO 8601/,
    },
    {
      name: 'missing version',
      raw: { ...classification, version: undefined },
      field: 'version',
      message: /^is required$/,
    },
    {
      name: 'incomplete version',
      raw: { ...classification, version: { model: 'm', prompt: 'v1' } },
      field: 'version.modelVersion',
      message: /^is required$/,
    },
    {
      name: 'wrong class name',
      raw: { ...classification, importance: 'urgent' },
      field: 'importance',
      message: /must be one of critical, time_sensitive, routine \(got "urgent"\)/,
    },
    {
      name: 'class name in the wrong case',
      raw: { ...correction, newImportance: 'Routine' },
      field: 'newImportance',
      message: /got "Routine"/,
    },
    {
      name: 'negative latency',
      raw: { ...classification, latencyMs: -1 },
      field: 'latencyMs',
      message: /must not be negative/,
    },
    {
      name: 'latency as text',
      raw: { ...classification, latencyMs: 'fast' },
      field: 'latencyMs',
      message: /must be a number/,
    },
    {
      name: 'negative cost',
      raw: { ...classification, costUsd: -0.001 },
      field: 'costUsd',
      message: /must not be negative/,
    },
    {
      name: 'error flag as text',
      raw: { ...classification, error: 'no' },
      field: 'error',
      message: /true or false/,
    },
    {
      name: 'snippet as a number',
      raw: { ...classification, snippet: 42 },
      field: 'snippet',
      message: /must be a string/,
    },
    {
      name: 'correction without emailId',
      raw: { ...correction, emailId: undefined },
      field: 'emailId',
      message: /^is required$/,
    },
    {
      name: 'negative tp',
      raw: { ...gdsReport, critical: { tp: -1, fp: 0, fn: 0 } },
      field: 'critical.tp',
      message: /must not be negative/,
    },
    {
      name: 'fractional fp',
      raw: { ...gdsReport, critical: { tp: 1, fp: 0.5, fn: 0 } },
      field: 'critical.fp',
      message: /whole number/,
    },
    {
      name: 'report without critical',
      raw: { ...gdsReport, critical: undefined },
      field: 'critical',
      message: /^is required$/,
    },
    {
      name: 'report without dataset',
      raw: { ...gdsReport, dataset: undefined },
      field: 'dataset',
      message: /^is required$/,
    },
  ])('$name → $field', ({ raw, field, message }) => {
    const problem = rejection(raw);
    expect(problem.field).toBe(field);
    expect(problem.message).toMatch(message);
    expect(problem.index).toBe(7);
  });

  it('carries the event id when there is one, and null when there is none', () => {
    expect(rejection({ ...classification, importance: 'urgent' }).id).toBe('e-1');
    expect(rejection({ ...classification, id: undefined }).id).toBeNull();
  });

  it.each([null, 'text', 42, [classification]])('rejects %j as not an object', (raw) => {
    expect(rejection(raw)).toMatchObject({ field: '(event)', message: 'must be a JSON object', id: null });
  });
});

describe('snippets', () => {
  it('turns a snippet into an otp verdict', () => {
    const otp = parseEvent({ ...classification, snippet: 'Your verification code is 123456' }, 0);
    const plain = parseEvent({ ...classification, snippet: 'Lunch at noon?' }, 0);
    expect(otp.ok && otp.event.type === 'classification' && otp.event.otp).toBe(true);
    expect(plain.ok && plain.event.type === 'classification' && plain.event.otp).toBe(false);
  });

  it('runs the detector on critical snippets only (only an OTP in critical counts); the classifier flag counts always', () => {
    const snippet = 'Your verification code is 123456';
    for (const importance of ['time_sensitive', 'routine']) {
      const result = parseEvent({ ...classification, importance, snippet }, 0);
      expect(result.ok && result.event.type === 'classification' && result.event.otp).toBe(false);
      const flagged = parseEvent({ ...classification, importance, snippet, otp: true }, 0);
      expect(flagged.ok && flagged.event.type === 'classification' && flagged.event.otp).toBe(true);
    }
  });

  it('honours an explicit otp flag without a snippet', () => {
    const result = parseEvent({ ...classification, otp: true }, 0);
    expect(result.ok && result.event.type === 'classification' && result.event.otp).toBe(true);
  });

  it('never keeps the snippet on a parsed event', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 8 }).map((text) => `snippet:${text}`),
        (snippet) => {
          const result = parseEvent({ ...classification, snippet }, 0);
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          expect(result.event).not.toHaveProperty('snippet');
          expect(JSON.stringify(result.event)).not.toContain(JSON.stringify(snippet).slice(1, -1));
        },
      ),
    );
  });
});

describe('hostile input is rejected event by event, never thrown (audit)', () => {
  const deep = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    'type "%s" (an inherited name) is an unknown type',
    (type) => {
      expect(rejection({ ...classification, type })).toMatchObject({
        field: 'type',
        message: `must be one of classification, correction, gds_report (got "${type}")`,
      });
    },
  );

  it.each([
    ['importance', { ...classification, importance: deep(10_000) }],
    ['type', { ...classification, type: deep(10_000) }],
    ['version', { ...classification, version: { model: deep(10_000), modelVersion: '2', prompt: 'p' } }],
    ['extra', { ...classification, extra: deep(10_000) }],
  ])('10,000-deep nesting in %s', (field, raw) => {
    const problem = rejection(raw);
    expect(problem.field).toBe(field);
    expect(problem.message).toBe('nests deeper than 8 levels');
  });

  it('describes a wrong value by its kind, never by echoing it', () => {
    expect(rejection({ ...classification, importance: { a: [1, 2] } }).message).toMatch(/got an object\)$/);
    const long = `Your verification code is 987654 ${'x'.repeat(40)}`;
    const problem = rejection({ ...classification, importance: long });
    expect(problem.message).toMatch(/got a string of 73 characters\)$/);
    expect(problem.message).not.toContain('987654');
  });

  it.each([
    [
      'version.model',
      { ...classification, version: { ...version, model: 'm'.repeat(1500) } },
      /at most 100 characters/,
    ],
    [
      'version.prompt',
      { ...classification, version: { ...version, prompt: 'p'.repeat(101) } },
      /at most 100 characters/,
    ],
    ['id', { ...classification, id: 'i'.repeat(257) }, /at most 256 characters/],
    ['emailId', { ...correction, emailId: 'e'.repeat(257) }, /at most 256 characters/],
    ['dataset', { ...gdsReport, dataset: 'd'.repeat(2_000_000) }, /at most 256 characters/],
    ['snippet', { ...classification, snippet: 's'.repeat(10_001) }, /at most 10,000 characters/],
    ['costUsd', { ...classification, costUsd: 9e6 }, /at most 10 USD/],
    ['costUsd', { ...classification, costUsd: 1e300 }, /at most 10 USD/],
    ['latencyMs', { ...classification, latencyMs: 1e300 }, /at most 3,600,000 ms/],
    ['critical.tp', { ...gdsReport, critical: { tp: 1e300, fp: 0, fn: 0 } }, /at most 1,000,000,000/],
    ['critical.fn', { ...gdsReport, critical: { tp: 1, fp: 0, fn: 2 ** 60 } }, /at most 1,000,000,000/],
    ['otpInCritical', { ...gdsReport, otpInCritical: 1e10 }, /at most 1,000,000,000/],
  ])('%s beyond its limit', (field, raw, message) => {
    const problem = rejection(raw);
    expect(problem.field).toBe(field);
    expect(problem.message).toMatch(message);
  });

  it('an unknown version field is named without echoing its key', () => {
    const problem = rejection({ ...classification, version: { ...version, 'code 987654': 1 } });
    expect(problem.field).toBe('version');
    expect(problem.message).not.toContain('987654');
  });

  it('accepts every value at its limit', () => {
    const atLimit = parseEvent(
      {
        ...classification,
        id: 'i'.repeat(256),
        version: { model: 'm'.repeat(100), modelVersion: 'v'.repeat(100), prompt: 'p'.repeat(100) },
        costUsd: 10,
        latencyMs: 3_600_000,
        snippet: 's'.repeat(10_000),
      },
      0,
    );
    expect(atLimit.ok).toBe(true);
    expect(parseEvent({ ...gdsReport, critical: { tp: 1e9, fp: 1e9, fn: 1e9 } }, 0).ok).toBe(true);
  });
});

describe('the timestamp window', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');
  const window = timestampWindow(DEFAULT_POLICY, now);
  const at = (ts: string) => parseEvent({ ...classification, ts }, 3, { window });

  it('is now + 5 min clock skew back to now − the 35 d bucket TTL', () => {
    expect(window.notAfter).toBe(now + 5 * 60_000);
    expect(window.notBefore).toBe(now - 35 * 86_400_000);
    expect(at('2026-11-27T12:05:00Z').ok).toBe(true);
    expect(at('2026-10-23T12:00:00Z').ok).toBe(true);
  });

  it.each([
    [
      '9999-12-31T23:59:59Z',
      /^must not be after 2026-11-27T12:05:00.000Z \(now \+ ingest.maxClockSkew 5m\)$/,
    ],
    ['2026-11-27T12:05:00.001Z', /must not be after/],
    ['0001-01-01T00:00:00Z', /^must not be before 2026-10-23T12:00:00.000Z \(now − store.bucketTtl 35d\)$/],
    ['2026-10-23T11:59:59Z', /must not be before/],
  ])('rejects %s as ts, naming the bound', (ts, message) => {
    const result = at(ts);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.rejection).toMatchObject({ field: 'ts', id: 'e-1', index: 3 });
      expect(result.rejection.message).toMatch(message);
    }
  });
});
