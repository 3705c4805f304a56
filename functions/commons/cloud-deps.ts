import { CloudWatchMetricsPublisher } from '../adapters/cloudwatch-metrics-publisher.ts';
import { DynamoDbControlStore, DynamoDbNotificationLog } from '../adapters/dynamodb-control-store.ts';
import { DynamoDbIncidentStore } from '../adapters/dynamodb-incident-store.ts';
import { DynamoDbMetricsStore } from '../adapters/dynamodb-metrics-store.ts';
import { DynamoDbVersionRegistry } from '../adapters/dynamodb-version-registry.ts';
import { SfnWorkflowStarter } from '../adapters/sfn-workflow-starter.ts';
import { SnsNotifier } from '../adapters/sns-notifier.ts';
import { parseDuration } from '../core/duration.ts';
import { SentinelError } from '../core/errors.ts';
import { type Policy, parsePolicy } from '../core/policy.ts';
import type { Clock } from '../ports.ts';
import { cloudWatchClient, documentClient, dynamoDbClient, sfnClient, snsClient } from './clients.ts';

/** Configuration the stack passes to every Lambda in its environment (never secrets). */
function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new SentinelError(`environment variable ${name} is not set; the stack sets it for every function`);
  return value;
}

export const systemClock: Clock = { now: () => new Date() };

/** The policy travels as JSON in POLICY_JSON; without it the runbook's defaults apply. */
export function policyFromEnv(): Policy {
  const text = process.env.POLICY_JSON;
  return parsePolicy(text ? JSON.parse(text) : {}, 'POLICY_JSON');
}

export function metricsStoreFromEnv(policy: Policy): DynamoDbMetricsStore {
  return new DynamoDbMetricsStore({
    client: dynamoDbClient,
    tableName: requireEnv('TABLE_NAME'),
    bucketTtlMs: parseDuration(policy.store.bucketTtl),
  });
}

export function incidentStoreFromEnv(): DynamoDbIncidentStore {
  return new DynamoDbIncidentStore(documentClient, requireEnv('TABLE_NAME'));
}

export function workflowStarterFromEnv(): SfnWorkflowStarter {
  return new SfnWorkflowStarter(sfnClient, requireEnv('STATE_MACHINE_ARN'));
}

export function notifierFromEnv(): SnsNotifier {
  return new SnsNotifier(snsClient, {
    alerts: requireEnv('ALERTS_TOPIC_ARN'),
    pages: requireEnv('PAGES_TOPIC_ARN'),
  });
}

export function controlStoreFromEnv(): DynamoDbControlStore {
  return new DynamoDbControlStore(documentClient, requireEnv('TABLE_NAME'));
}

export function notificationLogFromEnv(): DynamoDbNotificationLog {
  return new DynamoDbNotificationLog(documentClient, requireEnv('TABLE_NAME'), systemClock);
}

export function versionRegistryFromEnv(): DynamoDbVersionRegistry {
  return new DynamoDbVersionRegistry(documentClient, requireEnv('TABLE_NAME'));
}

export function metricsPublisherFromEnv(): CloudWatchMetricsPublisher {
  return new CloudWatchMetricsPublisher(cloudWatchClient, requireEnv('METRICS_NAMESPACE'));
}
