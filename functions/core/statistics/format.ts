import type { Interval } from './wilson.ts';

/** "95 % CI 2.8–12.4" for an interval already on the value's scale. */
export function formatInterval(interval: Interval, confidence: number, digits: number): string {
  return `${formatConfidence(confidence)} CI ${interval[0].toFixed(digits)}–${interval[1].toFixed(digits)}`;
}

/** 0.95 → "95 %", 0.975 → "97.5 %". */
export function formatConfidence(confidence: number): string {
  return `${Number((confidence * 100).toFixed(4))} %`;
}

/** 0.0033333 → "0.33 %", 0.05 → "5 %". */
export function formatPercent(rate: number): string {
  return `${Number((rate * 100).toPrecision(2))} %`;
}

/** A p-value as people read it: "p = 0.0001", "p < 1e-12". */
export function formatPValue(p: number): string {
  if (p < 1e-12) return 'p < 1e-12';
  if (p >= 0.001) return `p = ${Number(p.toPrecision(2))}`;
  return `p = ${p.toExponential(1)}`;
}
