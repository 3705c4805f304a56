import { randomUUID } from 'node:crypto';
import { type AlarmConfig, type AlarmMetric, isMetricMath } from './alarm-config.ts';

/** `detail.configuration.metrics` of the EventBridge state-change event, camelCase as CloudWatch sends it. */
export function eventConfigurationMetrics(alarm: AlarmConfig): unknown[] {
  const metric = (m: AlarmMetric) => ({
    namespace: m.namespace,
    name: m.metricName,
    dimensions: { ...m.dimensions },
  });
  if (!isMetricMath(alarm)) {
    const metricStat = { metric: metric(alarm), period: alarm.period, stat: alarm.statistic };
    return [{ id: randomUUID(), metricStat, returnData: true }];
  }
  return alarm.metrics.map((q) => {
    const common = {
      id: q.id,
      ...(q.label === undefined ? {} : { label: q.label }),
      returnData: q.returnData !== false,
    };
    if ('expression' in q) return { ...common, expression: q.expression };
    const { period, stat } = q.metricStat;
    return { ...common, metricStat: { metric: metric(q.metricStat.metric), period, stat } };
  });
}

/**
 * The `Trigger` of the SNS alarm message: the metric and statistic of a single-metric alarm, the
 * `Metrics` array (PascalCase) of a metric-math one.
 */
export function notificationTrigger(alarm: AlarmConfig): Record<string, unknown> {
  const common = {
    EvaluationPeriods: alarm.evaluationPeriods,
    DatapointsToAlarm: alarm.datapointsToAlarm ?? alarm.evaluationPeriods,
    ComparisonOperator: alarm.comparisonOperator,
    Threshold: alarm.threshold,
    TreatMissingData: alarm.treatMissingData ?? 'missing',
    EvaluateLowSampleCountPercentile: '',
  };
  const dimensions = (m: AlarmMetric) =>
    Object.entries(m.dimensions ?? {}).map(([name, value]) => ({ value, name }));
  if (!isMetricMath(alarm)) {
    return {
      MetricName: alarm.metricName,
      Namespace: alarm.namespace,
      StatisticType: 'Statistic',
      Statistic: alarm.statistic.toUpperCase(),
      Unit: null,
      Dimensions: dimensions(alarm),
      Period: alarm.period,
      ...common,
    };
  }
  const metrics = alarm.metrics.map((q) => {
    const returnData = q.returnData !== false;
    const label = q.label === undefined ? {} : { Label: q.label };
    if ('expression' in q) return { Expression: q.expression, Id: q.id, ...label, ReturnData: returnData };
    const { metric, period, stat } = q.metricStat;
    return {
      Id: q.id,
      ...label,
      MetricStat: {
        Metric: {
          Dimensions: dimensions(metric),
          MetricName: metric.metricName,
          Namespace: metric.namespace,
        },
        Period: period,
        Stat: stat,
      },
      ReturnData: returnData,
    };
  });
  return { Metrics: metrics, ...common };
}
