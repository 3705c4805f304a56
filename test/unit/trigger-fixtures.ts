/** Small builders for trigger tests: buckets are made the way ingestion makes them. */
import { aggregateEvents, seriesKey } from '../../functions/core/aggregate.ts';
import {
  addClassification,
  addCorrection,
  emptyBucket,
  type LatencyCut,
  type MinuteBucket,
} from '../../functions/core/buckets.ts';
import type {
  ClassificationEvent,
  Confusion,
  CorrectionEvent,
  GdsReportEvent,
  Importance,
  SentinelEvent,
} from '../../functions/core/events.ts';
import { DEFAULT_LATENCY_CUTS } from '../../functions/core/latency-cuts.ts';
import { DEFAULT_POLICY, type Policy } from '../../functions/core/policy.ts';
import type { EvaluationInput } from '../../functions/core/triggers/types.ts';
import type { Version } from '../../functions/core/version.ts';

export const AT = Date.parse('2026-11-27T12:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const VERSION: Version = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
export const OTHER_VERSION: Version = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v1' };

let nextId = 0;
function freshId(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

export function classification(fields: Partial<ClassificationEvent> = {}): ClassificationEvent {
  return {
    type: 'classification',
    id: freshId('e'),
    ts: AT,
    version: VERSION,
    importance: 'routine',
    otp: false,
    ...fields,
  };
}

export function correction(oldImportance: Importance, newImportance: Importance, ts = AT): CorrectionEvent {
  return {
    type: 'correction',
    id: freshId('c'),
    ts,
    version: VERSION,
    emailId: freshId('email'),
    oldImportance,
    newImportance,
  };
}

export function gdsReport(critical: Confusion, fields: Partial<GdsReportEvent> = {}): GdsReportEvent {
  return {
    type: 'gds_report',
    id: freshId('g'),
    ts: AT - HOUR,
    version: VERSION,
    dataset: 'gds-1',
    critical,
    ...fields,
  };
}

export function times<T>(count: number, make: (index: number) => T): T[] {
  return Array.from({ length: count }, (_, index) => make(index));
}

/** What one minute of traffic holds; counts of each class, plus extras layered on top. */
export interface Traffic {
  critical?: number;
  time_sensitive?: number;
  routine?: number;
  /** How many of the critical emails were OTP messages (≤ critical). */
  otpCritical?: number;
  /** Cost of every classification, in USD (absent: not counted). */
  costUsd?: number;
  /** Corrections critical → routine (false positives of critical). */
  criticalFp?: number;
  /** Latencies of extra routine classifications, one per entry. */
  latenciesMs?: readonly number[];
}

/**
 * The bucket of the minute starting `minutesAgo` minutes before AT (0 = the minute starting at AT),
 * with exact latency counts at `cuts` (the default policy's thresholds unless told).
 */
export function bucketAt(
  minutesAgo: number,
  traffic: Traffic,
  cuts: readonly LatencyCut[] = DEFAULT_LATENCY_CUTS,
): MinuteBucket {
  const minute = AT - minutesAgo * MINUTE;
  const bucket = emptyBucket(minute);
  const cost = traffic.costUsd === undefined ? {} : { costUsd: traffic.costUsd };
  times(traffic.critical ?? 0, (i) =>
    addClassification(
      bucket,
      classification({ ts: minute, importance: 'critical', otp: i < (traffic.otpCritical ?? 0), ...cost }),
      cuts,
    ),
  );
  for (const importance of ['time_sensitive', 'routine'] as const) {
    times(traffic[importance] ?? 0, () =>
      addClassification(bucket, classification({ ts: minute, importance, ...cost }), cuts),
    );
  }
  times(traffic.criticalFp ?? 0, () => addCorrection(bucket, correction('critical', 'routine', minute)));
  for (const latencyMs of traffic.latenciesMs ?? []) {
    addClassification(bucket, classification({ ts: minute, latencyMs }), cuts);
  }
  return bucket;
}

/** Buckets of VERSION's live series, folded by the same code ingestion uses. */
export function bucketsOf(events: readonly SentinelEvent[], version: Version = VERSION): MinuteBucket[] {
  const aggregate = aggregateEvents(events);
  return [...(aggregate.series.get(seriesKey(version))?.buckets.values() ?? [])];
}

export function input(fields: Partial<EvaluationInput> = {}): EvaluationInput {
  return { at: AT, version: VERSION, buckets: [], gdsReports: [], policy: DEFAULT_POLICY, ...fields };
}

export function withPolicy(change: (policy: Policy) => void): Policy {
  const policy = structuredClone(DEFAULT_POLICY);
  change(policy);
  return policy;
}
