import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard as CloudWatchDashboard,
  GraphWidget,
  type HorizontalAnnotation,
  type IAlarm,
  type IMetric,
  MathExpression,
  Shading,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Policy } from '../functions/core/policy.ts';
import { SLOW_SHARE_PERCENT } from './latency-alarm.ts';
import { METRIC_NAMES, METRICS_NAMESPACE } from './triggers.ts';

export interface DashboardProps {
  /** Thresholds drawn as lines come from the policy, so the picture matches the decisions. */
  readonly policy: Policy;
  /** The trigger alarms, shown with their state. */
  readonly alarms: IAlarm[];
  /** What the latency alarm watches: the share of samples above the threshold per rolling window. */
  readonly latencyShare: IMetric;
  /** The rollback workflow: its executions are the incidents that got past dispatch. */
  readonly stateMachine: StateMachine;
}

/** One graph line per version: a CloudWatch SEARCH over the `Version` dimension. */
function perVersion(search: string, statistic: string, period: Duration, label: string): MathExpression {
  return new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},${search}', '${statistic}', ${period.toSeconds()})`,
    usingMetrics: {},
    label,
    period,
  });
}

function line(value: number, label: string, breach: boolean): HorizontalAnnotation {
  return { value, label, color: breach ? '#d62728' : '#ff7f0e', fill: breach ? Shading.NONE : undefined };
}

/**
 * The operator's page: every trigger's value per version against its warning and breach
 * thresholds, the alarms, and the incidents (rollback executions and how they ended).
 */
export class Dashboard extends Construct {
  readonly dashboard: CloudWatchDashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const t = props.policy.triggers;
    const minute = Duration.minutes(1);
    const fiveMinutes = Duration.minutes(5);
    const triggerValue = (trigger: string, label: string) =>
      perVersion(
        `Trigger,Version} MetricName="${METRIC_NAMES.triggerValue}" Trigger="${trigger}"`,
        'Maximum',
        fiveMinutes,
        label,
      );

    this.dashboard = new CloudWatchDashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(24),
      widgets: [
        [
          new TextWidget({
            markdown:
              '# Rollback Sentinel\nTrigger values per classifier version against their thresholds ' +
              '(red: breach, orange: warning), the trigger alarms, and the rollback incidents.',
            width: 24,
            height: 2,
          }),
        ],
        [
          new GraphWidget({
            title: 'OTP emails classified critical (per minute)',
            left: [perVersion(`Version} MetricName="${METRIC_NAMES.otpInCritical}"`, 'Sum', minute, '')],
            leftAnnotations: [line(t.otp_in_critical.breachAbove, 'breach: above', true)],
            width: 8,
          }),
          new GraphWidget({
            title: `Latency samples above ${t.latency_p95.thresholdMs} ms (% of each ${t.latency_p95.rollingWindow} window)`,
            left: [props.latencyShare],
            leftAnnotations: [
              line(SLOW_SHARE_PERCENT, `p95 above ${t.latency_p95.thresholdMs} ms: above`, true),
            ],
            width: 8,
          }),
          new AlarmStatusWidget({ title: 'Trigger alarms', alarms: props.alarms, width: 8, height: 6 }),
        ],
        [
          new GraphWidget({
            title: 'Critical precision (latest GDS report)',
            left: [triggerValue('critical_precision', '')],
            leftAnnotations: [
              line(t.critical_precision.warningBelow, 'warning: below', false),
              line(t.critical_precision.breachBelow, 'breach: below', true),
            ],
            leftYAxis: { min: 0, max: 1 },
            width: 8,
          }),
          new GraphWidget({
            title: 'Critical recall (latest GDS report)',
            left: [triggerValue('critical_recall', '')],
            leftAnnotations: [
              line(t.critical_recall.warningBelow, 'warning: below', false),
              line(t.critical_recall.breachBelow, 'breach: below', true),
            ],
            leftYAxis: { min: 0, max: 1 },
            width: 8,
          }),
          new GraphWidget({
            title: 'Critical false positives per 100 emails (24 h)',
            left: [triggerValue('fp_budget', '')],
            leftAnnotations: [line(t.fp_budget.breachAbovePer100, 'breach: above', true)],
            width: 8,
          }),
        ],
        [
          new GraphWidget({
            title: 'Minutes with p95 latency above threshold (streak)',
            left: [triggerValue('latency_p95', '')],
            leftAnnotations: [
              line(t.latency_p95.warningAboveMinutes, 'warning: above', false),
              line(t.latency_p95.breachAboveMinutes, 'breach: above', true),
            ],
            width: 8,
          }),
          new GraphWidget({
            title: 'Cost per classification ÷ baseline (24 h)',
            left: [triggerValue('cost_spike', '')],
            leftAnnotations: [line(t.cost_spike.breachAboveRatio, 'breach: above', true)],
            width: 8,
          }),
          new GraphWidget({
            title: 'Class distribution drift, pp (24 h)',
            left: [triggerValue('distribution_drift', '')],
            leftAnnotations: [
              line(t.distribution_drift.warningAbovePp, 'warning: above', false),
              line(t.distribution_drift.breachAbovePp, 'breach: above', true),
            ],
            width: 8,
          }),
        ],
        [
          new GraphWidget({
            title: 'Incidents: rollback executions (per hour)',
            left: [
              props.stateMachine.metricStarted({ period: Duration.hours(1), label: 'started' }),
              props.stateMachine.metricSucceeded({
                period: Duration.hours(1),
                label: 'completed / dropped / rejected',
              }),
              props.stateMachine.metricFailed({ period: Duration.hours(1), label: 'escalated or failed' }),
              props.stateMachine.metricTimedOut({ period: Duration.hours(1), label: 'timed out' }),
              props.stateMachine.metricAborted({ period: Duration.hours(1), label: 'aborted' }),
            ],
            width: 24,
          }),
        ],
      ],
    });
  }
}
