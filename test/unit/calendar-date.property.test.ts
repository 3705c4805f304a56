import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCalendarDate } from '../../functions/core/events.ts';

/** The check isCalendarDate replaced: build the date and see whether the day survived. */
function byDateUtc(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

describe('isCalendarDate', () => {
  it('agrees with Date.UTC on any YYYY-MM-DD with month 1–12 and day 0–39', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 39 }),
        (year, month, day) => {
          const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T10:00:00Z`;
          expect(isCalendarDate(text)).toBe(byDateUtc(text));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2000-02-29', true],
    ['2100-02-29', false],
    ['2026-04-31', false],
    ['2026-12-31', true],
    ['2026-01-00', false],
  ])('%s → %s', (date, expected) => {
    expect(isCalendarDate(`${date}T00:00:00Z`)).toBe(expected);
  });
});
