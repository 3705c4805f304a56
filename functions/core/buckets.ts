import type { ClassificationEvent, CorrectionEvent } from './events.ts';
import type { Histogram } from './histogram.ts';
import { addToHistogram, mergeHistograms } from './histogram.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;

/** Costs are kept as integer nano-dollars so that sums do not depend on the order of events. */
export const NANO_USD_PER_USD = 1e9;

/**
 * Everything the triggers need about one version's traffic in one UTC minute `[minute, minute+60 s)`.
 * All fields are counters, so two buckets of the same minute merge by addition.
 */
export interface MinuteBucket {
  /** Epoch milliseconds of the minute's start. */
  minute: number;
  classified: number;
  critical: number;
  time_sensitive: number;
  routine: number;
  /** Critical classifications whose email was a verification code / OTP message. */
  otpCritical: number;
  errors: number;
  costNanoUsd: number;
  costCount: number;
  latency: Histogram;
  corrections: number;
  /** Corrections critical → other: false positives of `critical`. */
  criticalFp: number;
  /** Corrections other → critical: missed critical emails. */
  criticalFn: number;
}

export const COUNTER_FIELDS = [
  'classified',
  'critical',
  'time_sensitive',
  'routine',
  'otpCritical',
  'errors',
  'costNanoUsd',
  'costCount',
  'corrections',
  'criticalFp',
  'criticalFn',
] as const satisfies readonly (keyof MinuteBucket)[];

export type CounterField = (typeof COUNTER_FIELDS)[number];

/**
 * Counters saturate at `Number.MAX_SAFE_INTEGER` instead of turning inexact (or Infinity, which
 * no store can write). Event limits keep real traffic far below it; only abuse reaches it, and a
 * saturated cost still reads as the spike it is.
 */
export function addSaturating(a: number, b: number): number {
  return Math.min(a + b, Number.MAX_SAFE_INTEGER);
}

export function minuteOf(ts: number): number {
  return Math.floor(ts / MINUTE_MS) * MINUTE_MS;
}

export function hourOf(ts: number): number {
  return Math.floor(ts / HOUR_MS) * HOUR_MS;
}

/** Sums minute buckets by hour: the rollups a 24 h evaluation reads instead of 1,440 minutes. */
export function hourlyRollups(minutes: Iterable<MinuteBucket>): Map<number, MinuteBucket> {
  const hours = new Map<number, MinuteBucket>();
  for (const bucket of minutes) {
    const hour = hourOf(bucket.minute);
    let rollup = hours.get(hour);
    if (!rollup) {
      rollup = emptyBucket(hour);
      hours.set(hour, rollup);
    }
    mergeBucket(rollup, bucket);
  }
  return hours;
}

export function emptyBucket(minute: number): MinuteBucket {
  return {
    minute,
    classified: 0,
    critical: 0,
    time_sensitive: 0,
    routine: 0,
    otpCritical: 0,
    errors: 0,
    costNanoUsd: 0,
    costCount: 0,
    latency: {},
    corrections: 0,
    criticalFp: 0,
    criticalFn: 0,
  };
}

export function addClassification(bucket: MinuteBucket, event: ClassificationEvent): void {
  bucket.classified += 1;
  bucket[event.importance] += 1;
  if (event.importance === 'critical' && event.otp) bucket.otpCritical += 1;
  if (event.error === true) bucket.errors += 1;
  if (event.costUsd !== undefined) {
    bucket.costNanoUsd = addSaturating(bucket.costNanoUsd, Math.round(event.costUsd * NANO_USD_PER_USD));
    bucket.costCount += 1;
  }
  if (event.latencyMs !== undefined) addToHistogram(bucket.latency, event.latencyMs);
}

export function addCorrection(bucket: MinuteBucket, event: CorrectionEvent): void {
  bucket.corrections += 1;
  const wasCritical = event.oldImportance === 'critical';
  const isCritical = event.newImportance === 'critical';
  if (wasCritical && !isCritical) bucket.criticalFp += 1;
  if (!wasCritical && isCritical) bucket.criticalFn += 1;
}

/** Adds `from` into `into` (same minute assumed). */
export function mergeBucket(into: MinuteBucket, from: MinuteBucket): void {
  for (const field of COUNTER_FIELDS) into[field] = addSaturating(into[field], from[field]);
  mergeHistograms(into.latency, from.latency);
}

export function latencyCount(bucket: MinuteBucket): number {
  let total = 0;
  for (const count of Object.values(bucket.latency)) total += count;
  return total;
}
