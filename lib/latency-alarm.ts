import type { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';

/** Contract with ingest (functions/core/ingest-metrics.ts): exact counts per minute, summed by the alarm. */
export const LATENCY_METRIC_NAMES = {
  /** Latency samples (ingest, per batch and minute). */
  samples: 'ClassificationLatencySamples',
  /** Of those, samples strictly above the trigger's thresholdMs (ingest, exact). */
  aboveBreach: 'ClassificationLatencyAboveBreach',
} as const;

/** The policy's `latency_p95` trigger, as the alarm needs it. */
export interface LatencyAlarmThresholds {
  /** `thresholdMs`: ingest counts the samples strictly above it. */
  readonly aboveMs: number;
  /** `rollingWindow`: each minute is judged on the window ending at it (whole minutes). */
  readonly rollingWindow: Duration;
  /** `minSamplesPerWindow`: a thinner window is not judged. */
  readonly minSamplesPerWindow: number;
  /** `warningAboveMinutes`: the streak of slow minutes must exceed it. */
  readonly warningAboveMinutes: number;
}

/** Nearest-rank p95 > T ⟺ more than 5 % of the samples are above T (functions/core/triggers/latency-p95.ts). */
export const SLOW_SHARE_PERCENT = 5;

/**
 * Periods of one rolling window each that cover a streak of more than `warningAboveMinutes`
 * slow minutes: the windows ending now, R minutes ago, 2R ago, … back to the streak's start.
 */
export function latencyAlarmPeriods(rollingMinutes: number, warningAboveMinutes: number): number {
  return Math.floor(warningAboveMinutes / rollingMinutes) + 1;
}

/**
 * The alarm for "p95 above thresholdMs for more than warningAboveMinutes", on the same exact
 * counts and rolling window as the evaluator.
 *
 * Why a period of one rolling window: CloudWatch evaluates any alarm whose period is one minute
 * or longer every minute, over a sliding evaluation window (`SlidingWindow`, the default; not set
 * in the template, where the property is recent and optional) of Period × EvaluationPeriods ending at that minute. A 10-minute period thus
 * yields, each minute, the Sum over the 10 minutes ending at it — the evaluator's window
 * `(m − 10 min, m]` — with no metric math over time (CloudWatch has no moving sum).
 *
 * Why `IF(samples >= min, …)` without an else: a thin window yields no datapoint (IF drops it;
 * arithmetic never divides by 0), and missing data is ignored, so — as in the evaluator — a
 * thin or quiet window neither extends nor breaks the streak.
 *
 * The streak: one alarm's periods never overlap, so N = ⌊W/R⌋ + 1 periods check the windows
 * ending now, R ago, … (all of them inside the evaluator's streak of W + 1 windows). While every
 * minute has traffic, R = 1 minute is exactly the evaluator's rule, and the runbook's R = W = 10
 * fires the same minute as the evaluator's warning for a sustained slowdown, never later, and
 * earlier only if latency flaps between the sampled windows — the dispatcher it wakes re-judges
 * on the evaluator's full rule before any rollback.
 */
export function latencyP95Alarm(scope: Construct, id: string, namespace: string, t: LatencyAlarmThresholds) {
  const rollingMinutes = t.rollingWindow.toMinutes();
  const periods = latencyAlarmPeriods(rollingMinutes, t.warningAboveMinutes);
  checkEvaluationWindow(t.rollingWindow.toSeconds(), periods);
  const sum = (metricName: string) => new Metric({ namespace, metricName, statistic: Stats.SUM });
  const share = new MathExpression({
    expression: `IF(samples >= ${t.minSamplesPerWindow}, 100 * above / samples)`,
    usingMetrics: {
      samples: sum(LATENCY_METRIC_NAMES.samples),
      above: sum(LATENCY_METRIC_NAMES.aboveBreach),
    },
    label: `Latency samples above ${t.aboveMs} ms, % of the ${rollingMinutes}-minute window`,
    period: t.rollingWindow,
  });
  const alarm = new Alarm(scope, id, {
    alarmDescription:
      `Classification p95 latency above ${t.aboveMs} ms (more than ${SLOW_SHARE_PERCENT} % of the samples above it, ` +
      `exact counts, windows of ${rollingMinutes} min with ${t.minSamplesPerWindow}+ samples) for more than ` +
      `${t.warningAboveMinutes} minutes: the windows ending now and every ${rollingMinutes} min before, ${periods} in all`,
    metric: share,
    threshold: SLOW_SHARE_PERCENT,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    treatMissingData: TreatMissingData.IGNORE,
  });
  return alarm;
}

/** CloudWatch's limit on Period × EvaluationPeriods: one day below an hour's period, else seven. */
function checkEvaluationWindow(periodSeconds: number, periods: number): void {
  const limit = periodSeconds < 3600 ? 86_400 : 604_800;
  if (periodSeconds * periods > limit) {
    throw new Error(
      `latency alarm: ${periods} periods of ${periodSeconds} s exceed CloudWatch's ${limit} s evaluation window; ` +
        'shorten latency_p95.warningAboveMinutes or lengthen rollingWindow',
    );
  }
}
