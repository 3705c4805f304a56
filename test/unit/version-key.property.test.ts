import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeKey,
  encodeKey,
  seriesKey,
  type Version,
  versionFromKey,
  versionKey,
} from '../../functions/core/version.ts';

// Strings rich in the characters an encoding could trip over.
const part = fc.string({
  unit: fc.constantFrom('|', '\\', 'a', 'b', 's', 'h', 'shadow', '#', ':', '\n', '2.0'),
  minLength: 1,
  maxLength: 8,
});
const version: fc.Arbitrary<Version> = fc.record({ model: part, modelVersion: part, prompt: part });
const same = (a: Version, b: Version) =>
  a.model === b.model && a.modelVersion === b.modelVersion && a.prompt === b.prompt;

describe('version keys are unambiguous', () => {
  it('the audit cases: a separator inside a part moves no data to another version', () => {
    const a = { model: 'gemini-2.0-flash|2.0', modelVersion: 'v2', prompt: 'p' };
    const b = { model: 'gemini-2.0-flash', modelVersion: '2.0|v2', prompt: 'p' };
    expect(versionKey(a)).not.toBe(versionKey(b));
    expect(seriesKey(a)).not.toBe(seriesKey(b));
    // A live model named "shadow" never lands in another version's shadow series.
    const live = { model: 'shadow', modelVersion: 'gemini-2.0-flash', prompt: '2.0|v2' };
    const candidate = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
    expect(seriesKey(live)).not.toBe(seriesKey(candidate, true));
  });

  it('keeps the plain join for ordinary versions (keys stored earlier stay valid)', () => {
    const v = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
    expect(versionKey(v)).toBe('gemini-2.0-flash|2.0|v2');
    expect(seriesKey(v, true)).toBe('shadow|gemini-2.0-flash|2.0|v2');
  });

  it('distinct versions → distinct version keys and series keys; live never equals shadow', () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        if (!same(a, b)) {
          expect(versionKey(a)).not.toBe(versionKey(b));
          expect(seriesKey(a)).not.toBe(seriesKey(b));
          expect(seriesKey(a, true)).not.toBe(seriesKey(b, true));
        }
        expect(seriesKey(a)).not.toBe(seriesKey(b, true));
      }),
      { numRuns: 3000, seed: 20261127 },
    );
  });

  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(version, fc.array(fc.string(), { maxLength: 5 }), (v, parts) => {
        expect(versionFromKey(versionKey(v))).toEqual(v);
        expect(decodeKey(encodeKey(parts))).toEqual(parts.length === 0 ? [''] : parts);
        expect(() => versionFromKey(seriesKey(v, true))).toThrow(/not a version key/);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });
});
