/** One PutMetricData datum reduced to what alarms need: a statistic set at an instant. */
export interface Datapoint {
  namespace: string;
  metricName: string;
  dimensions: Readonly<Record<string, string>>;
  timestampMs: number;
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
  unit?: string;
}

export type Statistic = 'Sum' | 'Maximum' | 'Minimum' | 'Average' | 'SampleCount';

export interface StatisticSet {
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
}

/** The datapoints the gateway received, by metric (namespace, name and the exact dimension set). */
export class MetricStore {
  private readonly series = new Map<string, Datapoint[]>();

  put(points: readonly Datapoint[]): void {
    for (const point of points) {
      const key = seriesKey(point.namespace, point.metricName, point.dimensions);
      const list = this.series.get(key) ?? [];
      list.push(point);
      this.series.set(key, list);
    }
  }

  /** Datapoints of exactly this metric (CloudWatch matches dimension sets exactly) in `[fromMs, toMs)`. */
  query(
    namespace: string,
    metricName: string,
    dimensions: Readonly<Record<string, string>>,
    fromMs: number,
    toMs: number,
  ): Datapoint[] {
    const list = this.series.get(seriesKey(namespace, metricName, dimensions)) ?? [];
    return list.filter((p) => p.timestampMs >= fromMs && p.timestampMs < toMs);
  }

  all(): Datapoint[] {
    return [...this.series.values()].flat();
  }
}

export function seriesKey(
  namespace: string,
  metricName: string,
  dimensions: Readonly<Record<string, string>>,
) {
  const dims = Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([namespace, metricName, dims]);
}

export function aggregate(points: readonly StatisticSet[]): StatisticSet | undefined {
  if (points.length === 0) return undefined;
  return points.reduce((a, b) => ({
    sampleCount: a.sampleCount + b.sampleCount,
    sum: a.sum + b.sum,
    minimum: Math.min(a.minimum, b.minimum),
    maximum: Math.max(a.maximum, b.maximum),
  }));
}

export function statisticOf(set: StatisticSet, statistic: Statistic): number {
  switch (statistic) {
    case 'Sum':
      return set.sum;
    case 'Maximum':
      return set.maximum;
    case 'Minimum':
      return set.minimum;
    case 'SampleCount':
      return set.sampleCount;
    case 'Average':
      return set.sum / set.sampleCount;
  }
}
