import type { ClassificationEvent, CorrectionEvent } from './events.ts';
import type { Histogram } from './histogram.ts';
import { addToHistogram, binValue, mergeHistograms } from './histogram.ts';

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
  /**
   * Exact latency counts at the policy's thresholds, keyed by `latencyCutKey` (`gt3000`: samples
   * strictly above 3000 ms, `ge2000`: samples at or above 2000 ms). Counted at ingest because a
   * histogram bin straddles every threshold: "p95 > T" is decided from these, never from bins.
   * A key is present (possibly 0) whenever the bucket holds latency samples ingested under a
   * policy naming that cut; buckets without it fall back to the histogram (`samplesOver`).
   */
  latencyOver: Record<string, number>;
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

/**
 * A latency threshold counted exactly at ingest. `inclusive: false` counts samples > ms (the
 * trigger's "p95 above 3 s"); `inclusive: true` counts samples ≥ ms (verification's "p95 < 2 s"
 * fails exactly when more than 5 % of the samples are at or above 2 s).
 */
export interface LatencyCut {
  ms: number;
  inclusive: boolean;
}

/** The counter's name, also its DynamoDB attribute: `gt3000`, `ge2000`. */
export function latencyCutKey(cut: LatencyCut): string {
  return `${cut.inclusive ? 'ge' : 'gt'}${cut.ms}`;
}

const CUT_KEY = /^(gt|ge)(\d+(?:\.\d+)?)$/;

/** The cut a counter name stands for, or undefined for any other name. */
export function parseLatencyCutKey(key: string): LatencyCut | undefined {
  const match = CUT_KEY.exec(key);
  if (!match) return undefined;
  return { ms: Number(match[2]), inclusive: match[1] === 'ge' };
}

function isOver(latencyMs: number, cut: LatencyCut): boolean {
  return cut.inclusive ? latencyMs >= cut.ms : latencyMs > cut.ms;
}

/**
 * Samples of the bucket beyond the cut: exact when ingest counted it; otherwise (buckets stored
 * before the counters existed, or under a policy with another threshold) estimated from the
 * histogram by each bin's representative value — the old behaviour, within 2 % of the threshold.
 */
export function samplesOver(bucket: MinuteBucket, cut: LatencyCut): number {
  const exact = bucket.latencyOver[latencyCutKey(cut)];
  if (exact !== undefined) return exact;
  let total = 0;
  for (const [bin, count] of Object.entries(bucket.latency)) {
    if (isOver(binValue(Number(bin)), cut)) total += count;
  }
  return total;
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
    latencyOver: {},
    corrections: 0,
    criticalFp: 0,
    criticalFn: 0,
  };
}

/** `cuts`: the latency thresholds to count exactly (functions/core/latency-cuts.ts, from the policy). */
export function addClassification(
  bucket: MinuteBucket,
  event: ClassificationEvent,
  cuts: readonly LatencyCut[],
): void {
  bucket.classified += 1;
  bucket[event.importance] += 1;
  if (event.importance === 'critical' && event.otp) bucket.otpCritical += 1;
  if (event.error === true) bucket.errors += 1;
  if (event.costUsd !== undefined) {
    bucket.costNanoUsd = addSaturating(bucket.costNanoUsd, Math.round(event.costUsd * NANO_USD_PER_USD));
    bucket.costCount += 1;
  }
  if (event.latencyMs !== undefined) {
    addToHistogram(bucket.latency, event.latencyMs);
    for (const cut of cuts) {
      const key = latencyCutKey(cut);
      bucket.latencyOver[key] = addSaturating(
        bucket.latencyOver[key] ?? 0,
        isOver(event.latencyMs, cut) ? 1 : 0,
      );
    }
  }
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
  for (const [key, count] of Object.entries(from.latencyOver)) {
    into.latencyOver[key] = addSaturating(into.latencyOver[key] ?? 0, count);
  }
}

export function latencyCount(bucket: MinuteBucket): number {
  let total = 0;
  for (const count of Object.values(bucket.latency)) total += count;
  return total;
}
