import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbIncidentStore } from '../adapters/dynamodb-incident-store.ts';
import { DynamoDbMetricsStore } from '../adapters/dynamodb-metrics-store.ts';
import { DynamoDbVersionRegistry } from '../adapters/dynamodb-version-registry.ts';
import { parseDuration } from '../core/duration.ts';
import { SentinelError } from '../core/errors.ts';
import { DEFAULT_POLICY, type Policy } from '../core/policy.ts';
import { ensureTable, type LocalDynamo, startLocalDynamo } from './dynalite.ts';

export const LOCAL_TABLE_NAME = 'rollback-sentinel';

export interface LocalStore {
  dynamo: LocalDynamo;
  store: DynamoDbMetricsStore;
  incidents: DynamoDbIncidentStore;
  versions: DynamoDbVersionRegistry;
  /** The document client the adapters share; other local adapters on the table reuse it. */
  documents: DynamoDBDocumentClient;
  tableName: string;
  close(): Promise<void>;
}

/**
 * The embedded store: the same DynamoDB adapters as in the cloud, talking to dynalite in this
 * process. With a state directory the data persists between commands; without, it is in memory.
 */
export async function openLocalStore(
  stateDir?: string,
  policy: Policy = DEFAULT_POLICY,
): Promise<LocalStore> {
  let path: string | undefined;
  if (stateDir !== undefined) {
    path = join(stateDir, 'dynamo');
    await mkdir(path, { recursive: true });
  }
  let dynamo: LocalDynamo;
  try {
    dynamo = await startLocalDynamo({ path });
  } catch (error) {
    throw new SentinelError(
      `cannot open the local store in ${stateDir}: ${(error as Error).message} (is another sentinel command using it?)`,
    );
  }
  const tableName = await localTableName(dynamo);
  await ensureTable(dynamo.client, tableName);
  const store = new DynamoDbMetricsStore({
    client: dynamo.client,
    tableName,
    bucketTtlMs: parseDuration(policy.store.bucketTtl),
  });
  const documents = DynamoDBDocumentClient.from(dynamo.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const incidents = new DynamoDbIncidentStore(documents, tableName);
  const versions = new DynamoDbVersionRegistry(documents, tableName);
  return { dynamo, store, incidents, versions, documents, tableName, close: () => dynamo.stop() };
}

/**
 * The state directory's one table: the demo's local stack names it as CloudFormation would
 * (`RollbackSentinel-MetricsStore…`), the CLI's own store `rollback-sentinel`; either is found.
 */
async function localTableName(dynamo: LocalDynamo): Promise<string> {
  const { TableNames = [] } = await dynamo.client.send(new ListTablesCommand({}));
  return TableNames.length === 1 && TableNames[0] ? TableNames[0] : LOCAL_TABLE_NAME;
}
