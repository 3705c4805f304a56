import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addToHistogram,
  type Histogram,
  histogramCount,
  mergeHistograms,
  quantile,
} from '../../functions/core/histogram.ts';

/** Latencies as the classifier reports them: 1 ms to 2 minutes, fractional milliseconds allowed. */
const latency = fc.double({ min: 1, max: 120_000, noNaN: true, noDefaultInfinity: true });
const latencies = fc.array(latency, { minLength: 1, maxLength: 400 });

function histogramOf(values: readonly number[]): Histogram {
  const histogram: Histogram = {};
  for (const value of values) addToHistogram(histogram, value);
  return histogram;
}

/** The exact nearest-rank quantile: the ⌈q·n⌉-th smallest value. */
function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
  if (value === undefined) throw new Error('no values');
  return value;
}

describe('latency histogram', () => {
  it('reads p95 within 2 % of the exact nearest-rank p95', () => {
    fc.assert(
      fc.property(latencies, (values) => {
        const estimate = quantile(histogramOf(values), 0.95);
        const exact = exactQuantile(values, 0.95);
        expect(estimate).toBeDefined();
        expect(Math.abs((estimate ?? 0) - exact) / exact).toBeLessThanOrEqual(0.02);
      }),
      { numRuns: 500 },
    );
  });

  it('reads any quantile within 2 %', () => {
    fc.assert(
      fc.property(latencies, fc.double({ min: 0.01, max: 1, noNaN: true }), (values, q) => {
        const exact = exactQuantile(values, q);
        expect(Math.abs((quantile(histogramOf(values), q) ?? 0) - exact) / exact).toBeLessThanOrEqual(0.02);
      }),
    );
  });

  it('has no quantile when empty', () => {
    expect(quantile({}, 0.95)).toBeUndefined();
  });

  it('merges by addition: merged histograms equal the histogram of all values', () => {
    fc.assert(
      fc.property(latencies, latencies, (a, b) => {
        const merged = histogramOf(a);
        mergeHistograms(merged, histogramOf(b));
        expect(merged).toEqual(histogramOf([...a, ...b]));
        expect(histogramCount(merged)).toBe(a.length + b.length);
        expect(quantile(merged, 0.95)).toBe(quantile(histogramOf([...a, ...b]), 0.95));
      }),
    );
  });

  it('merges in any order to the same histogram', () => {
    fc.assert(
      fc.property(latencies, latencies, (a, b) => {
        const ab = histogramOf(a);
        mergeHistograms(ab, histogramOf(b));
        const ba = histogramOf(b);
        mergeHistograms(ba, histogramOf(a));
        expect(ab).toEqual(ba);
      }),
    );
  });
});
