import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbMetricsStore } from '../../functions/adapters/dynamodb-metrics-store.ts';
import { MemoryMetricsStore } from '../../functions/adapters/memory-metrics-store.ts';
import { bucketCount, seriesKey } from '../../functions/core/aggregate.ts';
import type { MinuteBucket } from '../../functions/core/buckets.ts';
import { ingestBatch, prepareBatch } from '../../functions/core/ingest.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import type { Version } from '../../functions/core/version.ts';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '../../functions/local/dynalite.ts';
import type { MetricsStore } from '../../functions/ports.ts';

const V1 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
const V2 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v1' };
const T0 = Date.parse('2026-11-27T10:00:00Z');
const MIN = 60_000;
const NOW = T0 + 60 * MIN;
const TTL_MS = 35 * 86_400_000;

class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

let dynamo: LocalDynamo;
let tables = 0;
const clients: DynamoDBClient[] = [];

/** 1,000 events over 10 minutes of two versions: 20 buckets. */
const EVENTS = Array.from({ length: 1000 }, (_, i) => ({
  type: 'classification',
  id: `f-${i}`,
  ts: new Date(T0 + (i % 10) * MIN + (i % 60) * 1000).toISOString(),
  version: i < 500 ? V1 : V2,
  importance: ['critical', 'time_sensitive', 'routine'][i % 3],
  latencyMs: 300 + ((i * 53) % 4000),
  costUsd: 0.001,
  error: i % 50 === 0,
}));
const PREPARED = prepareBatch(EVENTS, DEFAULT_POLICY, { now: NOW });
const BUCKETS = bucketCount(PREPARED.aggregate);

async function freshTable(): Promise<string> {
  tables += 1;
  const table = `fault-${tables}`;
  await ensureTable(dynamo.client, table);
  return table;
}

function store(table: string, client: DynamoDBClient = dynamo.client): DynamoDbMetricsStore {
  return new DynamoDbMetricsStore({ client, tableName: table, bucketTtlMs: TTL_MS });
}

/**
 * A store whose process "dies" after `k` bucket writes: every later bucket write fails. With
 * `ackLost`, those later writes reach the table and only the answer is lost — the harder case.
 */
function crashingStore(table: string, k: number, mode: 'beforeSend' | 'ackLost'): DynamoDbMetricsStore {
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  clients.push(client);
  let bucketWrites = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      // Document-client input is still unmarshalled at this step: `pk` is a plain string.
      const pk = (args.input as { Key?: { pk?: unknown } }).Key?.pk;
      const isBucketWrite =
        context.commandName === 'UpdateItemCommand' && typeof pk === 'string' && pk.startsWith('B#');
      if (!isBucketWrite) return next(args);
      bucketWrites += 1;
      if (bucketWrites <= k) return next(args);
      if (mode === 'beforeSend') throw new SimulatedCrash(`crash before bucket write ${bucketWrites}`);
      await next(args);
      throw new SimulatedCrash(`acknowledgement of bucket write ${bucketWrites} lost`);
    },
    { step: 'initialize', name: 'crashAfterK' },
  );
  return store(table, client);
}

async function readAll(target: MetricsStore, version: Version): Promise<MinuteBucket[]> {
  return target.readBuckets(seriesKey(version), T0 - 60 * MIN, T0 + 60 * MIN);
}

async function readRollups(target: MetricsStore, version: Version): Promise<MinuteBucket[]> {
  return target.readHourRollups(seriesKey(version), T0 - 2 * 60 * MIN, T0 + 2 * 60 * MIN);
}

async function expectExactlyOnce(target: MetricsStore): Promise<void> {
  const memory = new MemoryMetricsStore();
  await memory.applyBatch('once', PREPARED.aggregate);
  for (const version of [V1, V2]) {
    expect(await readAll(target, version)).toEqual(await readAll(memory, version));
    // The hourly rollups the evaluation reads are exact too.
    expect(await readRollups(target, version)).toEqual(await readRollups(memory, version));
  }
}

async function storedBuckets(target: MetricsStore): Promise<number> {
  return (await readAll(target, V1)).length + (await readAll(target, V2)).length;
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await dynamo?.stop();
});

describe('a batch interrupted part-way and retried', () => {
  it.each([
    [0, 'beforeSend'],
    [1, 'beforeSend'],
    [7, 'beforeSend'],
    [19, 'beforeSend'],
    [0, 'ackLost'],
    [5, 'ackLost'],
    [13, 'ackLost'],
  ] as const)('crash after %i bucket writes (%s): the retry makes every total exact', async (k, mode) => {
    expect(BUCKETS).toBe(20);
    const table = await freshTable();

    await expect(
      ingestBatch(crashingStore(table, k, mode), EVENTS, DEFAULT_POLICY, { now: NOW }),
    ).rejects.toThrow(SimulatedCrash);
    const afterCrash = await storedBuckets(store(table));
    if (mode === 'beforeSend') expect(afterCrash).toBe(k);
    else expect(afterCrash).toBeGreaterThan(k);
    expect(afterCrash).toBeLessThan(BUCKETS + (mode === 'ackLost' ? 1 : 0));

    // The retry is a new delivery of the same content: no batchId, the content hash matches.
    const retry = await ingestBatch(store(table), EVENTS, DEFAULT_POLICY, { now: NOW });

    expect(retry.batchId).toBe(PREPARED.batchId);
    expect(retry.writes + retry.alreadyApplied).toBe(BUCKETS);
    expect(retry.alreadyApplied).toBe(afterCrash);
    await expectExactlyOnce(store(table));
    expect(await store(table).listVersionSightings()).toHaveLength(2);
  });

  it('survives repeated crashes at different points before the retry that succeeds', async () => {
    const table = await freshTable();
    const stored: number[] = [];
    for (const k of [3, 3, 11]) {
      await expect(
        ingestBatch(crashingStore(table, k, 'beforeSend'), EVENTS, DEFAULT_POLICY, {
          now: NOW,
          batchId: 'job-42',
        }),
      ).rejects.toThrow(SimulatedCrash);
      stored.push(await storedBuckets(store(table)));
    }
    // The second attempt re-sends the same first three buckets: they are recognised, not re-added.
    expect(stored).toEqual([3, 3, 11]);
    const retry = await ingestBatch(store(table), EVENTS, DEFAULT_POLICY, { now: NOW, batchId: 'job-42' });
    expect(retry).toMatchObject({ writes: BUCKETS - 11, alreadyApplied: 11 });
    await expectExactlyOnce(store(table));
  });

  it('does not swallow store errors other than "already applied"', async () => {
    await expect(ingestBatch(store('no-such-table'), EVENTS, DEFAULT_POLICY, { now: NOW })).rejects.toThrow(
      /non-existent table|not found/i,
    );
  });
});

describe('concurrent duplicate deliveries', () => {
  it.each([
    ['the same batchId', 'delivery-1'],
    ['no batchId (same content)', undefined],
  ])('five at once with %s count once', async (_, batchId) => {
    const table = await freshTable();
    const target = store(table);

    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        ingestBatch(target, EVENTS, DEFAULT_POLICY, { now: NOW, batchId: batchId }),
      ),
    );

    expect(results.reduce((sum, r) => sum + r.writes, 0)).toBe(BUCKETS);
    expect(results.reduce((sum, r) => sum + r.alreadyApplied, 0)).toBe(4 * BUCKETS);
    await expectExactlyOnce(target);
  });
});
