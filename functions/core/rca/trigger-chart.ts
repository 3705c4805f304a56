import { MINUTE_MS, type MinuteBucket } from '../buckets.ts';
import type { Policy } from '../policy.ts';
import type { TriggerId } from '../triggers/types.ts';
import { type ChartMarker, renderMetricChart } from './chart.ts';
import { type SeriesMetric, seriesFromBuckets } from './series.ts';

interface TriggerChartSpec {
  metric: SeriesMetric;
  threshold: number;
  thresholdLabel: string;
  unit: string;
}

/** What to plot for each trigger, in the units a person reads (ms, USD, pp), with its breach line. */
export function triggerChartSpec(trigger: TriggerId, policy: Policy): TriggerChartSpec {
  const t = policy.triggers;
  switch (trigger) {
    case 'otp_in_critical':
      return spec('otpCritical', t.otp_in_critical.breachAbove, '>', 'OTP emails in critical');
    case 'critical_precision':
      return spec(
        'livePrecision',
        t.critical_precision.breachBelow,
        '<',
        'critical precision (live estimate)',
      );
    case 'critical_recall':
      return spec('liveRecall', t.critical_recall.breachBelow, '<', 'critical recall (live estimate)');
    case 'fp_budget':
      return spec('fpPer100', t.fp_budget.breachAbovePer100, '>', 'critical FP per 100 emails');
    case 'latency_p95':
      return spec('p95', t.latency_p95.thresholdMs, '>', 'p95 latency (ms)');
    case 'cost_spike':
      return spec(
        'costPerClassificationUsd',
        t.cost_spike.breachAboveRatio * policy.baseline.costPerClassificationUsd,
        '>',
        'USD per classification',
      );
    case 'distribution_drift':
      return spec('maxDriftPp', t.distribution_drift.breachAbovePp, '>', 'largest class drift (pp)');
    case 'data_freshness':
      // Warning only, so never an incident's trigger; should one be charted, traffic is what went missing.
      return spec('classified', 0, '<', 'live classifications');
  }
}

function spec(
  metric: SeriesMetric,
  threshold: number,
  comparison: '<' | '>',
  unit: string,
): TriggerChartSpec {
  return { metric, threshold, thresholdLabel: `breach ${comparison} ${threshold}`, unit };
}

export interface TriggerChartInput {
  trigger: TriggerId;
  /** Buckets to plot; pass the bad and the restored version's buckets for a line across the rollback. */
  buckets: readonly MinuteBucket[];
  policy: Policy;
  markers: readonly ChartMarker[];
  title?: string;
  /** Default: enough minutes per step for about 120 points over the charted span. */
  stepMinutes?: number;
}

const TARGET_POINTS = 120;

/** The RCA chart of the triggering metric: series, breach line and incident markers in one SVG. */
export function renderTriggerChart(input: TriggerChartInput): string {
  const chartSpec = triggerChartSpec(input.trigger, input.policy);
  const times = [...input.buckets.map((bucket) => bucket.minute), ...input.markers.map((marker) => marker.t)];
  const from = times.length > 0 ? Math.min(...times) : undefined;
  const to = times.length > 0 ? Math.max(...times) : undefined;
  const spanMinutes = from === undefined || to === undefined ? 0 : (to - from) / MINUTE_MS;
  const stepMinutes = input.stepMinutes ?? Math.max(1, Math.ceil(spanMinutes / TARGET_POINTS));
  const points = seriesFromBuckets(input.buckets, chartSpec.metric, stepMinutes, {
    from,
    to,
    distribution: input.policy.baseline.distribution,
  });
  return renderMetricChart({
    title: input.title ?? `${input.trigger}: ${chartSpec.unit} (${stepMinutes}-min steps)`,
    points,
    threshold: chartSpec.threshold,
    thresholdLabel: chartSpec.thresholdLabel,
    markers: input.markers,
    unit: chartSpec.unit,
  });
}
