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
};

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
  /** GDS reports of the version with ts ≤ at, any order. */
  gdsReports: readonly GdsReportEvent[];
  policy: Policy;
}

export interface Evaluation {
  at: string;
  version: Version;
  decision: Decision;
  triggers: TriggerResult[];
}

export type TriggerEvaluator = (input: EvaluationInput) => TriggerResult;
