import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { LATENCY_METRIC_NAMES, type LatencyAlarmThresholds, latencyP95Alarm } from './latency-alarm.ts';
import type { Notifications } from './notifications.ts';
import type { SentinelFunction } from './sentinel-function.ts';
import { tickFunction } from './tick-function.ts';

/**
 * Custom metrics (contract with the ingest and evaluator Lambdas). The alarm metrics carry no
 * dimensions — one deployment watches one service — so the alarms see every version's traffic;
 * copies with a `Version` dimension feed the dashboard's per-version lines.
 */
export const METRICS_NAMESPACE = 'RollbackSentinel';
export const METRIC_NAMES = {
  /** Count of critical classifications whose snippet was an OTP (ingest, per batch, Sum). */
  otpInCritical: 'OtpInCritical',
  /** Latency samples, and those above the trigger's threshold (ingest, exact counts, Sum). */
  latencySamples: LATENCY_METRIC_NAMES.samples,
  latencyAboveBreach: LATENCY_METRIC_NAMES.aboveBreach,
  /** Every trigger's value at each evaluation (evaluator; dimensions `Trigger`, `Version`). */
  triggerValue: 'TriggerValue',
} as const;

export interface TriggerThresholds {
  /** OTP-in-critical count above which the alarm fires (runbook: > 0). */
  readonly otpInCriticalAbove: number;
  /** The policy's latency_p95 trigger (runbook: above 3000 ms for more than 10 minutes). */
  readonly latency: LatencyAlarmThresholds;
}

export interface TriggersProps {
  readonly table: ITable;
  readonly notifications: Notifications;
  /** The evaluator starts rollback executions itself (evaluate-and-dispatch in one tick). */
  readonly stateMachine: IStateMachine;
  /** The Lambda that alarm state changes are routed to. */
  readonly dispatcher: IFunction;
  readonly thresholds: TriggerThresholds;
  /**
   * How often the evaluator runs over the metrics store.
   * @default Duration.minutes(1)
   */
  readonly evaluationInterval?: Duration;
  /**
   * Environment for the evaluator (e.g. POLICY_JSON).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Retention of the evaluator's logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * What starts an incident: the evaluator Lambda on an EventBridge schedule (all seven triggers
 * over the store), and two CloudWatch alarms on the metrics ingestion publishes, for the fast
 * signals — any OTP in `critical` (pages at once) and p95 latency above 3 s for more than 10
 * minutes, judged on the same exact counts and rolling windows as the evaluator (alerts). An EventBridge rule sends every alarm that enters ALARM to the dispatcher.
 */
export class Triggers extends Construct {
  readonly evaluator: SentinelFunction;
  readonly schedule: Rule;
  readonly otpInCriticalAlarm: Alarm;
  readonly latencyAlarm: Alarm;
  readonly alarmRule: Rule;

  constructor(scope: Construct, id: string, props: TriggersProps) {
    super(scope, id);
    const { alerts, pages } = props.notifications;

    this.evaluator = tickFunction(this, 'EvaluatorFunction', {
      ...props,
      entry: 'evaluator.ts',
      tableUser: 'evaluator',
      description: 'Evaluates the seven triggers per live version and dispatches breaches',
      timeout: Duration.seconds(50),
      environment: { METRICS_NAMESPACE, ...props.environment },
    });
    this.evaluator.addToRolePolicy(
      new PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        // PutMetricData has no resource-level permissions; the namespace condition is the scope.
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': METRICS_NAMESPACE } },
      }),
    );

    // Same finding id as the X-Ray statement acknowledged in SentinelFunction; this reason adds PutMetricData.
    Validations.of(this.evaluator.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudwatch:PutMetricData supports no resource-level permissions; the statement is scoped by the ' +
        'cloudwatch:namespace condition to RollbackSentinel. The other `*` statement is X-Ray tracing (no ' +
        'resource-level permissions either).',
    });

    this.schedule = new Rule(this, 'EvaluationSchedule', {
      description: 'Runs the trigger evaluator',
      schedule: Schedule.rate(props.evaluationInterval ?? Duration.minutes(1)),
      // A missed tick is replaced by the next one: do not pile up stale retries.
      targets: [new LambdaFunction(this.evaluator, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });

    this.otpInCriticalAlarm = new Alarm(this, 'OtpInCriticalAlarm', {
      alarmDescription:
        'An OTP / verification-code email was classified critical (automatic rollback trigger)',
      metric: new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC_NAMES.otpInCritical,
        statistic: Stats.SUM,
        period: Duration.minutes(1),
      }),
      threshold: props.thresholds.otpInCriticalAbove,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    props.notifications.addAlarmAction(this.otpInCriticalAlarm, pages);

    this.latencyAlarm = latencyP95Alarm(
      this,
      'ClassificationLatencyP95Alarm',
      METRICS_NAMESPACE,
      props.thresholds.latency,
    );
    props.notifications.addAlarmAction(this.latencyAlarm, alerts);

    this.alarmRule = new Rule(this, 'AlarmToDispatcher', {
      description: 'Routes trigger alarms entering ALARM to the dispatcher',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: [this.otpInCriticalAlarm.alarmArn, this.latencyAlarm.alarmArn],
        detail: { state: { value: ['ALARM'] } },
      },
      targets: [new LambdaFunction(props.dispatcher, { retryAttempts: 8, maxEventAge: Duration.hours(1) })],
    });
  }
}
