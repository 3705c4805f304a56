/** The DynamoDB adapters on the stack's table (TABLE_NAME). */
import { DynamoDbControlStore, DynamoDbNotificationLog } from '../adapters/dynamodb-control-store.ts';
import { DynamoDbIncidentStore } from '../adapters/dynamodb-incident-store.ts';
import { DynamoDbMetricsStore } from '../adapters/dynamodb-metrics-store.ts';
import { DynamoDbVersionRegistry } from '../adapters/dynamodb-version-registry.ts';
import { parseDuration } from '../core/duration.ts';
import type { Policy } from '../core/policy.ts';
import { documentClient, dynamoDbClient } from './clients/dynamodb.ts';
import { requireEnv, systemClock } from './env.ts';

export function metricsStoreFromEnv(policy: Policy): DynamoDbMetricsStore {
  return new DynamoDbMetricsStore({
    client: dynamoDbClient,
    tableName: requireEnv('TABLE_NAME'),
    bucketTtlMs: parseDuration(policy.store.bucketTtl),
  });
}

export const incidentStoreFromEnv = () => new DynamoDbIncidentStore(documentClient, requireEnv('TABLE_NAME'));
export const controlStoreFromEnv = () => new DynamoDbControlStore(documentClient, requireEnv('TABLE_NAME'));
export const versionRegistryFromEnv = () =>
  new DynamoDbVersionRegistry(documentClient, requireEnv('TABLE_NAME'));
export const notificationLogFromEnv = () =>
  new DynamoDbNotificationLog(documentClient, requireEnv('TABLE_NAME'), systemClock);
