/**
 * `sentinel serve` for the tests that send it traffic: started on a free port with the default
 * policy and its state in a scratch directory before the file's tests (the hourly tick never
 * comes during them), with a store over its table to read the buckets back; closed and removed after.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { DynamoDbMetricsStore } from '../../functions/adapters/dynamodb-metrics-store.ts';
import { type ServedStack, startServe } from '../../functions/cli/serve.ts';

export interface Serving {
  served: ServedStack;
  store: DynamoDbMetricsStore;
  dir: string;
}

export function useServe(prefix: string): Serving {
  const serving = {} as Serving;
  beforeAll(async () => {
    serving.dir = await mkdtemp(join(tmpdir(), prefix));
    serving.served = await startServe({ port: 0, stateDir: serving.dir, policy: {}, tickMs: 3_600_000 });
    serving.store = new DynamoDbMetricsStore({
      client: serving.served.stack.dynamoDb,
      tableName: serving.served.stack.tableName,
      bucketTtlMs: 35 * 86_400_000,
    });
  });
  afterAll(async () => {
    await serving.served?.close();
    if (serving.dir) await rm(serving.dir, { recursive: true, force: true });
  });
  return serving;
}
