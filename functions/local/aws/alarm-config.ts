/** A metric of a CloudWatch alarm: namespace, name and the exact dimension set. */
export interface AlarmMetric {
  namespace: string;
  metricName: string;
  dimensions?: Readonly<Record<string, string>>;
}

/** One entry of an alarm's `Metrics` array (CloudFormation `MetricDataQuery`), names in camelCase. */
export type MetricDataQuery =
  | {
      id: string;
      metricStat: { metric: AlarmMetric; period: number; stat: string };
      label?: string;
      returnData?: boolean;
    }
  | { id: string; expression: string; label?: string; returnData?: boolean };

interface AlarmCommon {
  arn: string;
  name: string;
  description?: string;
  evaluationPeriods: number;
  /** M of N; defaults to `evaluationPeriods`. */
  datapointsToAlarm?: number;
  threshold: number;
  comparisonOperator: string;
  treatMissingData?: string;
  /** `SlidingWindow` (CloudWatch's default) is what is evaluated; `WallClockWindow` is refused. */
  evaluationWindow?: 'SlidingWindow' | 'WallClockWindow';
  actionsEnabled?: boolean;
  alarmActions?: readonly string[];
  okActions?: readonly string[];
  insufficientDataActions?: readonly string[];
}

/** An AWS::CloudWatch::Alarm on a single metric, references resolved. */
export interface SingleMetricAlarmConfig extends AlarmCommon, AlarmMetric {
  statistic: string;
  /** Seconds. */
  period: number;
}

/** An AWS::CloudWatch::Alarm on metric math: a `Metrics` array whose one `ReturnData` entry is judged. */
export interface MetricMathAlarmConfig extends AlarmCommon {
  metrics: readonly MetricDataQuery[];
}

export type AlarmConfig = SingleMetricAlarmConfig | MetricMathAlarmConfig;

export const isMetricMath = (alarm: AlarmConfig): alarm is MetricMathAlarmConfig => 'metrics' in alarm;
