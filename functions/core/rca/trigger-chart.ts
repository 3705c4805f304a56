/**
 * The RCA chart of the triggering metric: the trigger's own value, as the evaluator judged it,
 * for the bad and the restored version, zoomed on the incident. Each point is the trigger's
 * value at that step over its window (`IncrementalEvaluator`, the backtest's replay, which
 * equals `evaluateVersion` on the same buckets); a step where the trigger was inconclusive (too
 * little data) or the version had no live traffic is a gap, so the chart never shows a number
 * the trigger itself would not have trusted.
 */
import type { SeriesAggregate } from '../aggregate.ts';
import { emptyBucket, MINUTE_MS, type MinuteBucket, mergeBucket } from '../buckets.ts';
import { parseDuration } from '../duration.ts';
import type { GdsReportEvent } from '../events.ts';
import type { Policy } from '../policy.ts';
import { buildTimeline, IncrementalEvaluator } from '../prevention/incremental.ts';
import { formatSpan } from '../span.ts';
import type { TriggerId } from '../triggers/types.ts';
import type { Version } from '../version.ts';
import { type ChartMarker, type ChartPoint, type ChartSeries, renderMetricChart } from './chart.ts';

interface TriggerChartSpec {
  breach: number;
  warning: number | null;
  comparison: '<' | '>';
  unit: string;
  window: string;
}

/** What the trigger's value is, in words, with its breach and warning lines (policy units). */
export function triggerChartSpec(trigger: TriggerId, policy: Policy): TriggerChartSpec {
  const t = policy.triggers;
  switch (trigger) {
    case 'otp_in_critical':
      return spec(
        t.otp_in_critical.breachAbove,
        null,
        '>',
        'OTP emails in critical',
        t.otp_in_critical.window,
      );
    case 'critical_precision':
      return spec(
        t.critical_precision.breachBelow,
        t.critical_precision.warningBelow,
        '<',
        'critical precision (GDS)',
        t.critical_precision.maxReportAge,
      );
    case 'critical_recall':
      return spec(
        t.critical_recall.breachBelow,
        t.critical_recall.warningBelow,
        '<',
        'critical recall (GDS)',
        t.critical_recall.maxReportAge,
      );
    case 'fp_budget':
      return spec(t.fp_budget.breachAbovePer100, null, '>', 'critical FP per 100 emails', t.fp_budget.window);
    case 'latency_p95':
      return spec(
        t.latency_p95.breachAboveMinutes,
        t.latency_p95.warningAboveMinutes,
        '>',
        `minutes in a row with p95 > ${t.latency_p95.thresholdMs} ms`,
        t.latency_p95.window,
      );
    case 'cost_spike':
      return spec(t.cost_spike.breachAboveRatio, null, '>', '× baseline cost', t.cost_spike.window);
    case 'distribution_drift':
      return spec(
        t.distribution_drift.breachAbovePp,
        t.distribution_drift.warningAbovePp,
        '>',
        'largest class drift (pp)',
        t.distribution_drift.window,
      );
    case 'data_freshness':
      // Warning only, so never an incident's trigger; should one be charted, silence is what grew.
      return spec(
        parseDuration(t.data_freshness.maxSilence) / 60_000,
        null,
        '>',
        'minutes since the last live classification',
        t.data_freshness.maxSilence,
      );
  }
}

function spec(
  breach: number,
  warning: number | null,
  comparison: '<' | '>',
  unit: string,
  window: string,
): TriggerChartSpec {
  return { breach, warning, comparison, unit, window };
}

export interface ChartedVersion {
  /** Legend name, e.g. "prompt v2 (bad)". */
  label: string;
  version: Version;
  buckets: readonly MinuteBucket[];
  gdsReports?: readonly GdsReportEvent[];
}

export interface TriggerChartInput {
  trigger: TriggerId;
  policy: Policy;
  /** The bad version first, then the restored one. */
  versions: readonly ChartedVersion[];
  markers: readonly ChartMarker[];
  /** The span shown, epoch ms. */
  from: number;
  to: number;
  title?: string;
}

const TARGET_POINTS = 120;
const STEP_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];
const COLORS = ['#1f77b4', '#2ca02c', '#9467bd'];

/** The smallest round step (1, 2, 5, 10 … min) that gives at most about 120 points. */
export function chartStepMinutes(from: number, to: number): number {
  const span = Math.max(0, to - from) / MINUTE_MS;
  return STEP_MINUTES.find((minutes) => span / minutes <= TARGET_POINTS) ?? 1440;
}

export function renderTriggerChart(input: TriggerChartInput): string {
  const chartSpec = triggerChartSpec(input.trigger, input.policy);
  const stepMinutes = chartStepMinutes(input.from, input.to);
  const stepMs = stepMinutes * MINUTE_MS;
  const series: ChartSeries[] = input.versions.map((charted, index) => ({
    label: charted.label,
    color: COLORS[index % COLORS.length] as string,
    points: triggerValues(charted, input, stepMs),
  }));
  const windowText =
    input.trigger === 'critical_precision' || input.trigger === 'critical_recall'
      ? `latest GDS report ≤ ${chartSpec.window} old`
      : `the trigger's value over ${chartSpec.window}`;
  return renderMetricChart({
    title: input.title ?? `${input.trigger}: ${chartSpec.unit}`,
    series,
    threshold: chartSpec.breach,
    thresholdLabel: `breach ${chartSpec.comparison} ${chartSpec.breach}`,
    warningThreshold: chartSpec.warning,
    warningLabel:
      chartSpec.warning === null ? undefined : `warning ${chartSpec.comparison} ${chartSpec.warning}`,
    markers: input.markers,
    unit: chartSpec.unit,
    note: `a point every ${formatSpan(stepMs)}: ${windowText}; gap = too little data or not live`,
    from: input.from,
    to: input.to,
  });
}

/** The trigger's value at each step while the version is live; null where it could not judge. */
function triggerValues(charted: ChartedVersion, input: TriggerChartInput, stepMs: number): ChartPoint[] {
  const buckets = new Map<number, MinuteBucket>();
  for (const bucket of charted.buckets) {
    let total = buckets.get(bucket.minute);
    if (!total) {
      total = emptyBucket(bucket.minute);
      buckets.set(bucket.minute, total);
    }
    mergeBucket(total, bucket);
  }
  const aggregate: SeriesAggregate = { series: 'rca', version: charted.version, shadow: false, buckets };
  const timeline = buildTimeline(aggregate);
  const evaluator = timeline
    ? new IncrementalEvaluator(timeline, charted.gdsReports ?? [], input.policy)
    : undefined;
  const points: ChartPoint[] = [];
  for (let t = Math.ceil(input.from / stepMs) * stepMs; t <= input.to; t += stepMs) {
    if (!evaluator?.isActive(t)) {
      points.push({ t, value: null });
      continue;
    }
    const result = evaluator.evaluate(t).triggers.find((trigger) => trigger.id === input.trigger);
    points.push({ t, value: !result || result.outcome === 'inconclusive' ? null : result.value });
  }
  return points;
}
