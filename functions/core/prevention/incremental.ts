/**
 * Incremental evaluation for the backtest: one version's per-minute buckets are laid out once
 * as dense arrays with prefix sums, so any window sum at any instant is two array reads instead
 * of a pass over 1,440 buckets. The results are the evaluators' own: each sum-based trigger is
 * handed a single bucket holding its window's sums (the evaluators only ever add counters, and
 * counters are integers, so the sums are identical), the GDS triggers get the version's reports,
 * and the latency streak comes from prefix counts of slow minutes (each judged on its rolling
 * window from prefix sums of samples and exact over-threshold counts; the first minutes of the
 * trigger window, whose rolling window the trigger window cuts short, are judged per evaluation
 * as the evaluator does). A property test checks that
 * `IncrementalEvaluator.evaluate(at)` equals `evaluateVersion` on the raw buckets.
 */
import type { SeriesAggregate } from '../aggregate.ts';
import {
  COUNTER_FIELDS,
  type CounterField,
  type LatencyCut,
  latencyCount,
  latencyCutKey,
  MINUTE_MS,
  type MinuteBucket,
  samplesOver,
} from '../buckets.ts';
import { parseDuration } from '../duration.ts';
import { longestBucketWindowMs } from '../evaluation-input.ts';
import type { GdsReportEvent } from '../events.ts';
import { triggerCut } from '../latency-cuts.ts';
import type { Policy } from '../policy.ts';
import { decide } from '../triggers/decide.ts';
import { EVALUATORS } from '../triggers/evaluate.ts';
import { latencyBurnRateResult } from '../triggers/latency-burn.ts';
import { isSlow, type LatencyStats, latencyP95Result } from '../triggers/latency-p95.ts';
import {
  type CumulativeCounts,
  type Evaluation,
  type EvaluationInput,
  TRIGGER_IDS,
  type TriggerId,
  type TriggerResult,
} from '../triggers/types.ts';
import { sameVersion, type Version } from '../version.ts';

/** One version's live traffic as dense per-minute arrays; built once, shared by every policy. */
export interface SeriesTimeline {
  version: Version;
  /** Epoch ms of index 0's minute. */
  base: number;
  /** Number of minutes from the first to the last bucket. */
  length: number;
  /** prefix[field][i] = sum of the field over minutes 0 … i−1 (length + 1 entries). */
  prefix: Record<CounterField, Float64Array>;
  /** Prefix of latency sample counts. */
  latencyPrefix: Float64Array;
  /** Latency samples per minute. */
  latencyPerMinute: Float64Array;
  /** The buckets by minute, for counts that depend on a policy's threshold (`overPerMinute`). */
  buckets: ReadonlyMap<number, MinuteBucket>;
  /** Per-minute samples beyond a cut, by `latencyCutKey`; filled on first use. */
  overCache: Map<string, Float64Array>;
}

/** Samples beyond `cut` per minute of the timeline (exact ingest counts, as the evaluator reads them). */
export function overPerMinute(timeline: SeriesTimeline, cut: LatencyCut): Float64Array {
  const key = latencyCutKey(cut);
  const cached = timeline.overCache.get(key);
  if (cached) return cached;
  const counts = new Float64Array(timeline.length);
  for (const bucket of timeline.buckets.values()) {
    counts[(bucket.minute - timeline.base) / MINUTE_MS] = samplesOver(bucket, cut);
  }
  timeline.overCache.set(key, counts);
  return counts;
}

export function buildTimeline(series: SeriesAggregate): SeriesTimeline | undefined {
  if (series.buckets.size === 0) return undefined;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const minute of series.buckets.keys()) {
    if (minute < first) first = minute;
    if (minute > last) last = minute;
  }
  const length = (last - first) / MINUTE_MS + 1;
  const perMinute = {} as Record<CounterField, Float64Array>;
  for (const field of COUNTER_FIELDS) perMinute[field] = new Float64Array(length);
  const latencyPerMinute = new Float64Array(length);
  for (const bucket of series.buckets.values()) {
    const index = (bucket.minute - first) / MINUTE_MS;
    for (const field of COUNTER_FIELDS) (perMinute[field] as Float64Array)[index] = bucket[field];
    latencyPerMinute[index] = latencyCount(bucket);
  }
  const prefix = {} as Record<CounterField, Float64Array>;
  for (const field of COUNTER_FIELDS) prefix[field] = prefixOf(perMinute[field]);
  return {
    version: series.version,
    base: first,
    length,
    prefix,
    latencyPrefix: prefixOf(latencyPerMinute),
    latencyPerMinute,
    buckets: series.buckets,
    overCache: new Map(),
  };
}

function prefixOf(values: Float64Array): Float64Array {
  const prefix = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) prefix[i + 1] = (prefix[i] as number) + (values[i] as number);
  return prefix;
}

const SUM_TRIGGERS = ['otp_in_critical', 'fp_budget', 'cost_spike', 'distribution_drift'] as const;

/** Evaluates one version under one policy at any instant in O(1) per trigger (plus its GDS reports). */
export class IncrementalEvaluator {
  private readonly windows: Record<(typeof SUM_TRIGGERS)[number], number>;
  private readonly latencyWindowMs: number;
  private readonly activeWithinMs: number;
  private readonly reports: GdsReportEvent[];
  /** Prefix of the minutes' samples beyond the trigger's threshold. */
  private readonly overPrefix: Float64Array;
  /** Rolling window length in minutes. */
  private readonly rolling: number;
  /**
   * Per minute, judged on its full rolling window (valid from `lo + rolling − 1` on, where the
   * trigger window does not cut the rolling window short): prefix count of slow judged minutes,
   * the newest judged minute at or before i and the newest judged fast one (−1: none).
   */
  private readonly slowPrefix: Float64Array;
  private readonly lastJudged: Int32Array;
  private readonly lastFast: Int32Array;
  /** Newest minute at or before i with live classifications, or −1. */
  private readonly lastLive: Int32Array;
  private readonly freshnessWindowMs: number;

  constructor(
    readonly timeline: SeriesTimeline,
    gdsReports: readonly GdsReportEvent[],
    readonly policy: Policy,
  ) {
    const { triggers } = policy;
    this.windows = {
      otp_in_critical: parseDuration(triggers.otp_in_critical.window),
      fp_budget: parseDuration(triggers.fp_budget.window),
      cost_spike: parseDuration(triggers.cost_spike.window),
      distribution_drift: parseDuration(triggers.distribution_drift.window),
    };
    this.latencyWindowMs = parseDuration(triggers.latency_p95.window);
    this.activeWithinMs = parseDuration(policy.evaluator.activeWithin);
    this.reports = gdsReports.filter((report) => sameVersion(report.version, timeline.version));
    const n = timeline.length;
    this.rolling = parseDuration(triggers.latency_p95.rollingWindow) / MINUTE_MS;
    this.overPrefix = prefixOf(overPerMinute(timeline, triggerCut(policy)));
    this.slowPrefix = new Float64Array(n + 1);
    this.lastJudged = new Int32Array(n);
    this.lastFast = new Int32Array(n);
    this.lastLive = new Int32Array(n);
    this.freshnessWindowMs = parseDuration(triggers.data_freshness.maxSilence);
    let live = -1;
    for (let i = 0; i < n; i++) {
      if ((timeline.prefix.classified[i + 1] as number) > (timeline.prefix.classified[i] as number)) live = i;
      this.lastLive[i] = live;
    }
    let judged = -1;
    let fast = -1;
    for (let i = 0; i < n; i++) {
      const minute = this.judge(i, 0);
      if (minute) {
        judged = i;
        if (!minute.slow) fast = i;
      }
      this.slowPrefix[i + 1] = (this.slowPrefix[i] as number) + (minute?.slow ? 1 : 0);
      this.lastJudged[i] = judged;
      this.lastFast[i] = fast;
    }
  }

  /** Minute i judged on its rolling window cut at index `lo`, as judgeMinutes does; undefined when not judged. */
  private judge(i: number, lo: number): { samples: number; over: number; slow: boolean } | undefined {
    const { latencyPerMinute, latencyPrefix } = this.timeline;
    const { minSamplesPerMinute, minSamplesPerWindow } = this.policy.triggers.latency_p95;
    const own = latencyPerMinute[i] as number;
    if (own === 0 || own < minSamplesPerMinute) return undefined;
    const from = Math.max(lo, i - this.rolling + 1);
    const samples = (latencyPrefix[i + 1] as number) - (latencyPrefix[from] as number);
    if (samples < minSamplesPerWindow) return undefined;
    const over = (this.overPrefix[i + 1] as number) - (this.overPrefix[from] as number);
    return { samples, over, slow: isSlow(over, samples) };
  }

  /** Bucket indices `[lo, hi]` of the window `(at − windowMs, at]`; lo > hi when empty. */
  private range(at: number, windowMs: number): [number, number] {
    const { base, length } = this.timeline;
    const hi = Math.min(length - 1, Math.floor((at - base) / MINUTE_MS));
    const lo = Math.max(0, Math.floor((at - windowMs - base) / MINUTE_MS) + 1);
    return [lo, hi];
  }

  /** A single bucket holding the window's sums, stamped `at` so every window filter keeps it. */
  private windowBucket(at: number, windowMs: number): MinuteBucket {
    const [lo, hi] = this.range(at, windowMs);
    const bucket = { minute: at, latency: {} } as MinuteBucket;
    for (const field of COUNTER_FIELDS) {
      const prefix = this.timeline.prefix[field];
      bucket[field] = lo > hi ? 0 : (prefix[hi + 1] as number) - (prefix[lo] as number);
    }
    return bucket;
  }

  /**
   * The freshness trigger's input: its silence window's sums, the newest minute with live traffic
   * at or before `at` (as the evaluator finds it in the buckets) and the version's reports.
   */
  private freshnessInput(at: number): EvaluationInput {
    const { base, length } = this.timeline;
    const hi = Math.min(length - 1, Math.floor((at - base) / MINUTE_MS));
    const newest = hi < 0 ? -1 : (this.lastLive[hi] as number);
    const newestMinute = newest < 0 ? undefined : base + newest * MINUTE_MS;
    // As the evaluator reads it: only minutes within the longest trigger window count.
    const lastSeen =
      newestMinute !== undefined && newestMinute > at - longestBucketWindowMs(this.policy)
        ? newestMinute
        : undefined;
    return {
      at,
      version: this.timeline.version,
      buckets: [this.windowBucket(at, this.freshnessWindowMs)],
      gdsReports: this.reports,
      policy: this.policy,
      ...(lastSeen === undefined ? {} : { lastSeen }),
    };
  }

  /** Live classifications within the policy's `evaluator.activeWithin` before `at` (bucket resolution). */
  isActive(at: number): boolean {
    const [lo, hi] = this.range(at, this.activeWithinMs);
    if (lo > hi) return false;
    const prefix = this.timeline.prefix.classified;
    return (prefix[hi + 1] as number) - (prefix[lo] as number) > 0;
  }

  /** fp_budget's sums over every minute ≤ at, as the evaluator sums the buckets it is given. */
  private sinceFirstSeen(at: number): CumulativeCounts {
    const { base, length, prefix } = this.timeline;
    const hi = Math.min(length - 1, Math.floor((at - base) / MINUTE_MS));
    if (hi < 0) return { from: at, classified: 0, criticalFp: 0 };
    let first = 0;
    while (first <= hi && (prefix.classified[first + 1] as number) === (prefix.classified[first] as number))
      first += 1;
    return {
      from: first <= hi ? base + first * MINUTE_MS : at,
      classified: prefix.classified[hi + 1] as number,
      criticalFp: prefix.criticalFp[hi + 1] as number,
    };
  }

  private latency(at: number): TriggerResult {
    if (this.policy.triggers.latency_p95.mode === 'burn_rate') {
      const counts = (windowMs: number) => {
        const [lo, hi] = this.range(at, windowMs);
        if (lo > hi) return { samples: 0, over: 0 };
        const { latencyPrefix } = this.timeline;
        return {
          samples: (latencyPrefix[hi + 1] as number) - (latencyPrefix[lo] as number),
          over: (this.overPrefix[hi + 1] as number) - (this.overPrefix[lo] as number),
        };
      };
      return latencyBurnRateResult(this.policy, counts(this.latencyWindowMs).samples, counts);
    }
    return latencyP95Result(this.policy, this.latencyStats(at));
  }

  private latencyStats(at: number): LatencyStats {
    const [lo, hi] = this.range(at, this.latencyWindowMs);
    if (lo > hi) return { samples: 0, newest: undefined, streak: 0 };
    const samples =
      (this.timeline.latencyPrefix[hi + 1] as number) - (this.timeline.latencyPrefix[lo] as number);
    // From `full` on, a minute's rolling window lies inside the trigger window: precomputed.
    const full = lo + this.rolling - 1;
    let newest: LatencyStats['newest'];
    let streak = 0;
    if (hi >= full && (this.lastJudged[hi] as number) >= full) {
      const newestIndex = this.lastJudged[hi] as number;
      newest = this.judge(newestIndex, lo);
      const fast = this.lastFast[hi] as number;
      if (fast >= full) {
        return {
          samples,
          newest,
          streak: (this.slowPrefix[hi + 1] as number) - (this.slowPrefix[fast + 1] as number),
        };
      }
      streak = (this.slowPrefix[hi + 1] as number) - (this.slowPrefix[full] as number);
    }
    // The first minutes of the window, judged on rolling windows the trigger window cuts short.
    for (let i = Math.min(hi, full - 1); i >= lo; i--) {
      const minute = this.judge(i, lo);
      if (!minute) continue;
      newest ??= minute;
      if (!minute.slow) break;
      streak += 1;
    }
    return { samples, newest, streak };
  }

  evaluate(at: number): Evaluation {
    const { version } = this.timeline;
    const input = (trigger: (typeof SUM_TRIGGERS)[number]) => ({
      at,
      version,
      buckets: [this.windowBucket(at, this.windows[trigger])],
      gdsReports: [],
      policy: this.policy,
    });
    const reportsInput = { at, version, buckets: [], gdsReports: this.reports, policy: this.policy };
    const byId: Record<TriggerId, TriggerResult> = {
      otp_in_critical: EVALUATORS.otp_in_critical(input('otp_in_critical')),
      critical_precision: EVALUATORS.critical_precision(reportsInput),
      critical_recall: EVALUATORS.critical_recall(reportsInput),
      fp_budget: EVALUATORS.fp_budget({ ...input('fp_budget'), sinceFirstSeen: this.sinceFirstSeen(at) }),
      latency_p95: this.latency(at),
      cost_spike: EVALUATORS.cost_spike(input('cost_spike')),
      distribution_drift: EVALUATORS.distribution_drift(input('distribution_drift')),
      data_freshness: EVALUATORS.data_freshness(this.freshnessInput(at)),
    };
    const triggers = TRIGGER_IDS.map((id) => byId[id]);
    return { at: new Date(at).toISOString(), version, decision: decide(triggers), triggers };
  }
}
