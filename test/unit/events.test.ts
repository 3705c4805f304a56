import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../functions/core/events.ts';

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
