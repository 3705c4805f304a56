import { describe, expect, it } from 'vitest';
import { formatSpan } from '../../functions/core/span.ts';

const MIN = 60_000;

describe('formatSpan: durations in plain units', () => {
  it.each([
    [5753 * MIN, '3 d 23 h 53 min'],
    [24 * 60 * MIN + 14 * MIN, '1 d 14 min'],
    [2 * 60 * MIN, '2 h'],
    [90 * MIN, '1 h 30 min'],
    [45 * MIN + 59_999, '45 min'],
    [40_000, '40 s'],
    [0, '0 s'],
    [-15 * MIN, '-15 min'],
    [3 * 24 * 60 * MIN, '3 d'],
  ])('%d ms reads "%s"', (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });

  it('says "unknown" for a span that is not a number rather than "NaN min"', () => {
    expect(formatSpan(Number.NaN)).toBe('unknown');
  });
});
