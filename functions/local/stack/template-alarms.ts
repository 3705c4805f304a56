import type { AlarmConfig, MetricDataQuery } from '../aws/alarms.ts';

/** An AWS::CloudWatch::Alarm's properties (references resolved) as the local CloudWatch evaluates them. */
export function toAlarmConfig(name: string, arn: string, p: Record<string, unknown>): AlarmConfig {
  const common = {
    arn,
    name,
    description: p.AlarmDescription as string | undefined,
    evaluationPeriods: Number(p.EvaluationPeriods),
    ...(p.DatapointsToAlarm === undefined ? {} : { datapointsToAlarm: Number(p.DatapointsToAlarm) }),
    threshold: Number(p.Threshold),
    comparisonOperator: String(p.ComparisonOperator),
    ...(p.TreatMissingData === undefined ? {} : { treatMissingData: String(p.TreatMissingData) }),
    ...evaluationWindowOf(p.EvaluationWindow),
    actionsEnabled: p.ActionsEnabled === undefined ? true : p.ActionsEnabled !== false,
    alarmActions: (p.AlarmActions as string[] | undefined) ?? [],
    okActions: (p.OKActions as string[] | undefined) ?? [],
    insufficientDataActions: (p.InsufficientDataActions as string[] | undefined) ?? [],
  };
  if (Array.isArray(p.Metrics)) return { ...common, metrics: p.Metrics.map(toMetricDataQuery) };
  return {
    ...common,
    ...toAlarmMetric(p),
    statistic: String(p.Statistic ?? p.ExtendedStatistic),
    period: Number(p.Period),
  };
}

function evaluationWindowOf(window: unknown): Pick<AlarmConfig, 'evaluationWindow'> {
  if (window === undefined) return {};
  const sliding = typeof window === 'object' && window !== null && 'SlidingWindow' in window;
  return { evaluationWindow: sliding ? 'SlidingWindow' : 'WallClockWindow' };
}

function toAlarmMetric(p: Record<string, unknown>) {
  const dimensions = (p.Dimensions as { Name: string; Value: string }[] | undefined) ?? [];
  return {
    namespace: String(p.Namespace),
    metricName: String(p.MetricName),
    dimensions: Object.fromEntries(dimensions.map((dimension) => [dimension.Name, dimension.Value])),
  };
}

/** A `Metrics` entry of the template (CloudFormation MetricDataQuery). */
function toMetricDataQuery(q: Record<string, unknown>): MetricDataQuery {
  const common = {
    id: String(q.Id),
    ...(typeof q.Label === 'string' ? { label: q.Label } : {}),
    ...(q.ReturnData === undefined ? {} : { returnData: q.ReturnData !== false }),
  };
  if (typeof q.Expression === 'string') return { ...common, expression: q.Expression };
  const stat = q.MetricStat as { Metric: Record<string, unknown>; Period: unknown; Stat: unknown };
  return {
    ...common,
    metricStat: { metric: toAlarmMetric(stat.Metric), period: Number(stat.Period), stat: String(stat.Stat) },
  };
}
