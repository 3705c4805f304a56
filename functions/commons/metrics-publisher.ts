import { CloudWatchMetricsPublisher } from '../adapters/cloudwatch-metrics-publisher.ts';
import { cloudWatchClient } from './clients/cloudwatch.ts';
import { requireEnv } from './env.ts';

export const metricsPublisherFromEnv = () =>
  new CloudWatchMetricsPublisher(cloudWatchClient, requireEnv('METRICS_NAMESPACE'));
