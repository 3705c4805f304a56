import { type AlarmConfig, type AlarmMetric, isMetricMath, type MetricDataQuery } from './alarm-config.ts';
import { type MathValue, type ParsedExpression, parseExpression, type Series } from './metric-math.ts';
import { aggregate, type MetricStore, type Statistic, statisticOf } from './metrics.ts';

/** One evaluated period: `[startMs, startMs + period)`, its value if it has one. */
export interface AlarmDatapoint {
  startMs: number;
  value?: number;
  /** Raw datapoints behind a single-metric value (for reasonData). */
  sampleCount?: number;
}

export const STATISTICS = new Set(['Sum', 'Maximum', 'Minimum', 'Average', 'SampleCount']);

/** What an alarm reads: its period, the metrics behind it, and how to turn their windows into values. */
export interface AlarmSource {
  /** Seconds. */
  period: number;
  metrics: readonly AlarmMetric[];
  datapoints(store: MetricStore, windows: readonly number[]): AlarmDatapoint[];
}

/** Throws with what is not supported (the caller names the alarm); parses the expressions once. */
export function alarmSource(alarm: AlarmConfig): AlarmSource {
  if (!isMetricMath(alarm)) {
    if (!STATISTICS.has(alarm.statistic)) throw new Error(`Statistic ${alarm.statistic}`);
    const periodMs = alarm.period * 1000;
    return {
      period: alarm.period,
      metrics: [alarm],
      datapoints: (store, windows) =>
        windows.map((startMs) => {
          const set = aggregate(query(store, alarm, startMs, startMs + periodMs));
          if (!set) return { startMs };
          return {
            startMs,
            value: statisticOf(set, alarm.statistic as Statistic),
            sampleCount: set.sampleCount,
          };
        }),
    };
  }
  return metricMathSource(alarm.metrics);
}

function metricMathSource(queries: readonly MetricDataQuery[]): AlarmSource {
  const returned = queries.filter((q) => q.returnData !== false);
  if (returned.length !== 1)
    throw new Error(`${returned.length} Metrics entries with ReturnData true (one needed)`);
  const stats = queries.flatMap((q) => ('metricStat' in q ? [q] : []));
  const periods = new Set(stats.map((q) => q.metricStat.period));
  if (periods.size !== 1)
    throw new Error(`MetricStat periods ${[...periods].join(', ') || 'none'} (one needed)`);
  for (const q of stats) if (!STATISTICS.has(q.metricStat.stat)) throw new Error(`Stat ${q.metricStat.stat}`);
  const expressions = new Map<string, ParsedExpression>();
  for (const q of queries) if ('expression' in q) expressions.set(q.id, parseExpression(q.expression));
  const ids = new Set(queries.map((q) => q.id));
  for (const [id, parsed] of expressions) {
    for (const used of parsed.ids)
      if (!ids.has(used)) throw new Error(`expression ${id} reads unknown id ${used}`);
  }
  const period = [...periods][0] as number;
  const returnId = (returned[0] as MetricDataQuery).id;
  return {
    period,
    metrics: stats.map((q) => q.metricStat.metric),
    datapoints(store, windows) {
      const values = new Map<string, MathValue>();
      for (const q of stats) {
        const series = new Map<number, number>();
        for (const startMs of windows) {
          const set = aggregate(query(store, q.metricStat.metric, startMs, startMs + period * 1000));
          if (set) series.set(startMs, statisticOf(set, q.metricStat.stat as Statistic));
        }
        values.set(q.id, series);
      }
      const result = queryValue(returnId, expressions, values, new Set());
      const series: Series = typeof result === 'number' ? new Map(windows.map((w) => [w, result])) : result;
      return windows.map((startMs) => {
        const value = series.get(startMs);
        return value === undefined || Number.isNaN(value) ? { startMs } : { startMs, value };
      });
    },
  };
}

/** Expressions may read other expressions: evaluated on first use, a cycle refused. */
function queryValue(
  id: string,
  expressions: ReadonlyMap<string, ParsedExpression>,
  values: Map<string, MathValue>,
  visiting: Set<string>,
): MathValue {
  const known = values.get(id);
  if (known !== undefined) return known;
  const parsed = expressions.get(id) as ParsedExpression;
  if (visiting.has(id)) throw new Error(`expression ${id} depends on itself`);
  visiting.add(id);
  for (const used of parsed.ids) queryValue(used, expressions, values, visiting);
  const value = parsed.evaluate(values);
  values.set(id, value);
  return value;
}

function query(store: MetricStore, metric: AlarmMetric, fromMs: number, toMs: number) {
  return store.query(metric.namespace, metric.metricName, metric.dimensions ?? {}, fromMs, toMs);
}

/**
 * The starts of the N periods an evaluation at `nowMs` reads. CloudWatch evaluates every minute
 * (every 10 s below a minute's period) over a sliding window of N periods ending at that
 * evaluation: the newest period ends with the current minute if it already has data, else with
 * the last complete one (a minute still being filled is not yet "missing").
 */
export function slidingWindowStarts(
  source: AlarmSource,
  evaluationPeriods: number,
  nowMs: number,
  store: MetricStore,
): number[] {
  const periodMs = source.period * 1000;
  const stepMs = Math.min(periodMs, 60_000);
  const currentStep = Math.floor(nowMs / stepMs) * stepMs;
  const filling = source.metrics.some((m) => query(store, m, currentStep, currentStep + stepMs).length > 0);
  const newestEnd = filling ? currentStep + stepMs : currentStep;
  return Array.from({ length: evaluationPeriods }, (_, i) => newestEnd - (evaluationPeriods - i) * periodMs);
}
