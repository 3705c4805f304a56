/** The local CloudWatch's metric math, against the examples of the CloudWatch User Guide. */
import { describe, expect, it } from 'vitest';
import { type MathValue, parseExpression, type Series } from '../../functions/local/aws/metric-math.ts';

/** A series over timestamps 0..n−1 from a table row; `null` is a missing datapoint. */
const row = (...values: (number | null)[]): Series =>
  new Map(values.flatMap((v, t) => (v === null ? [] : [[t, v] as [number, number]])));
const run = (text: string, values: Record<string, MathValue>) =>
  parseExpression(text).evaluate(new Map(Object.entries(values)));
const asRow = (value: MathValue, length: number) =>
  typeof value === 'number' ? value : Array.from({ length }, (_, t) => value.get(t) ?? null);

describe('IF (User Guide tables)', () => {
  const metric1 = row(1, 1, 0, 0, null);
  const metric2 = row(30, null, 0, 0, 30);
  const metric3 = row(0, 0, 20, null, 20);

  it('IF(metric1, metric2, metric3): 0 for a true condition without a value, dropped for a false one', () => {
    expect(asRow(run('IF(metric1, metric2, metric3)', { metric1, metric2, metric3 }), 5)).toEqual([
      30,
      0,
      20,
      null,
      null,
    ]);
  });

  it('IF(metric1, scalar2, metric3) and IF(metric1, metric2, scalar3)', () => {
    expect(asRow(run('IF(metric1, 5, metric3)', { metric1, metric3 }), 5)).toEqual([5, 5, 20, null, null]);
    expect(asRow(run('IF(metric1, metric2, 5)', { metric1, metric2 }), 5)).toEqual([30, 0, 5, 5, null]);
  });

  it('drops the datapoints whose condition is false when falseValue is omitted', () => {
    const samples = row(19, 20, 35, null);
    const above = row(5, 1, 2, 4);
    expect(asRow(run('IF(samples >= 20, 100 * above / samples)', { samples, above }), 4)).toEqual([
      null,
      5,
      (100 * 2) / 35,
      null,
    ]);
  });
});

describe('arithmetic and comparisons', () => {
  it('counts a missing value as 0 and drops a division by zero', () => {
    const a = row(6, null, 3);
    const b = row(2, 4, 0);
    expect(asRow(run('a / b', { a, b }), 3)).toEqual([3, 0, null]);
    expect(asRow(run('a + b', { a, b }), 3)).toEqual([8, 4, 3]);
  });

  it('follows precedence and associativity: 100 * a / b, a - b - 1, and before or', () => {
    expect(run('100 * 3 / 4', {})).toBe(75);
    expect(run('10 - 2 - 1', {})).toBe(7);
    expect(run('-(2 + 3) * 2', {})).toBe(-10);
    expect(run('1 OR 0 AND 0', {})).toBe(1);
    expect(asRow(run('a > 2 && a <= 6', { a: row(2, 3, 6, 7) }), 4)).toEqual([0, 1, 1, 0]);
  });

  it('the share is exact at the boundary: 1 of 20 is 5, not above it', () => {
    const share = run('100 * above / samples', { above: row(1, 2), samples: row(20, 39) }) as Series;
    expect(share.get(0)).toBe(5);
    expect((share.get(1) as number) > 5).toBe(true);
  });
});

describe('refuses what it does not evaluate', () => {
  it.each(['FILL(m1, 0)', 'RUNNING_SUM(m1)', 'm1 % 2', 'IF(m1, 1', 'm1 m2'])('%s', (text) => {
    expect(() => parseExpression(text)).toThrow();
  });

  it('names the ids an expression reads', () => {
    expect([...parseExpression('IF(samples >= 20, 100 * above / samples)').ids].sort()).toEqual([
      'above',
      'samples',
    ]);
  });
});
