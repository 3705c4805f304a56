import {
  type CloudWatchClient,
  type MetricDatum as CwDatum,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import type { MetricDatum, MetricsPublisher } from '../ports.ts';

/** PutMetricData takes at most 1000 data per request; smaller requests stay well under 1 MB. */
const DATA_PER_REQUEST = 500;

/** Custom metrics through PutMetricData into one namespace. */
export class CloudWatchMetricsPublisher implements MetricsPublisher {
  constructor(
    private readonly client: CloudWatchClient,
    private readonly namespace: string,
  ) {}

  async publish(data: readonly MetricDatum[]): Promise<void> {
    for (let start = 0; start < data.length; start += DATA_PER_REQUEST) {
      await this.client.send(
        new PutMetricDataCommand({
          Namespace: this.namespace,
          MetricData: data.slice(start, start + DATA_PER_REQUEST).map(toCloudWatch),
        }),
      );
    }
  }
}

export function toCloudWatch(datum: MetricDatum): CwDatum {
  return {
    MetricName: datum.name,
    Timestamp: datum.timestamp,
    Unit: datum.unit,
    Value: datum.value,
    ...(datum.dimensions
      ? { Dimensions: Object.entries(datum.dimensions).map(([Name, Value]) => ({ Name, Value })) }
      : {}),
  };
}

/** Locally: keeps what would have been published (tests, `sentinel serve`), or drops it. */
export class RecordingMetricsPublisher implements MetricsPublisher {
  readonly published: MetricDatum[] = [];
  async publish(data: readonly MetricDatum[]): Promise<void> {
    this.published.push(...data);
  }
}
