import type { MinuteBucket } from '../buckets.ts';
import type { GdsReportEvent } from '../events.ts';
import type { Policy } from '../policy.ts';
import type { Version } from '../version.ts';

export const TRIGGER_IDS = [
  'otp_in_critical',
  'critical_precision',
  'critical_recall',
  'fp_budget',
  'latency_p95',
  'cost_spike',
  'distribution_drift',
  // Extensions come after the runbook's seven (ARCHITECTURE.md §4: extend, never rename).
  'data_freshness',
] as const;
export type TriggerId = (typeof TRIGGER_IDS)[number];

export type TriggerKind = 'automatic' | 'manual';
export const TRIGGER_KINDS: Record<TriggerId, TriggerKind> = {
  otp_in_critical: 'automatic',
  critical_precision: 'automatic',
  critical_recall: 'automatic',
  fp_budget: 'manual',
  latency_p95: 'manual',
  cost_spike: 'manual',
  distribution_drift: 'manual',
  data_freshness: 'manual',
};

/**
 * Triggers that can at most warn: their outcome never reaches rollback or investigate, whatever
 * an evaluator returns (decide.ts enforces it).
 */
export const WARNING_ONLY_TRIGGERS: ReadonlySet<TriggerId> = new Set(['data_freshness']);

/** inconclusive = too little data to judge: never counts as ok, never rolls back by itself. */
export type Outcome = 'ok' | 'warning' | 'breach' | 'inconclusive';
export type Decision = 'rollback' | 'investigate' | 'watch' | 'none';

/** One trigger's verdict — the JSON shape of ARCHITECTURE.md §4 (contract). */
export interface TriggerResult {
  id: TriggerId;
  kind: TriggerKind;
  outcome: Outcome;
  /** null when there is no data at all. */
  value: number | null;
  /** The breach threshold. */
  threshold: number;
  /** The warning threshold, where the trigger has one. */
  warningThreshold: number | null;
  samples: number;
  window: string;
  reason: string;
  /**
   * Wilson score interval of `value` at policy `statistics.confidence`, on the value's scale
   * (per 100 emails, a precision, pp of drift). Only on rate-based triggers with data.
   */
  interval?: [number, number];
}

/** The data one version's evaluation reads: buckets within the widest window, reports within their age. */
export interface EvaluationInput {
  at: number;
  version: Version;
  /**
   * Live buckets of the version, any order, minute ≤ at; each evaluator picks its own window.
   * May hold hourly rollups (a bucket whose `minute` is an hour's start, summing its 60 minutes)
   * for hours that lie wholly inside or wholly outside every trigger window.
   */
  buckets: readonly MinuteBucket[];
  /**
   * Minute buckets for the latency streak, newest back at least to the start of the rolling
   * window of the minute that ends the streak (or the window's start). Absent: `buckets` are all
   * minute buckets and serve.
   */
  latencyMinutes?: readonly MinuteBucket[];
  /** GDS reports of the version with ts ≤ at, any order (older than maxReportAge too, for freshness). */
  gdsReports: readonly GdsReportEvent[];
  /**
   * The version's newest live classification at or before `at` (epoch ms), when the store knows
   * it to the millisecond. Absent: taken from the newest bucket with traffic (minute resolution).
   */
  lastSeen?: number;
  /**
   * Whether the version is the one most recently seen live (the deployed one). Absent: assumed,
   * since the caller asked about this version alone.
   */
  deployed?: boolean;
  /**
   * fp_budget's counts since the version's first live traffic (no earlier than the store's
   * retention), for the sequential SPRT: one test path per version, not a fresh one per window.
   * Read only in `statistics.mode: sequential`. Absent: summed over all of `buckets` (exact when
   * they reach back to the first traffic, as for `evaluate --events`).
   */
  sinceFirstSeen?: CumulativeCounts;
  policy: Policy;
}

/** Sums of the fp_budget counters over `[from, at]`; `from` is the first counted minute. */
export interface CumulativeCounts {
  from: number;
  classified: number;
  criticalFp: number;
}

export interface Evaluation {
  at: string;
  version: Version;
  decision: Decision;
  triggers: TriggerResult[];
}

export type TriggerEvaluator = (input: EvaluationInput) => TriggerResult;
