import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbMetricsStore } from '../../functions/adapters/dynamodb-metrics-store.ts';
import { MemoryMetricsStore } from '../../functions/adapters/memory-metrics-store.ts';
import { seriesKey } from '../../functions/core/aggregate.ts';
import type { MinuteBucket } from '../../functions/core/buckets.ts';
import { BatchIdConflictError } from '../../functions/core/errors.ts';
import { ingestBatch } from '../../functions/core/ingest.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '../../functions/local/dynalite.ts';
import type { MetricsStore } from '../../functions/ports.ts';

const V = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
const T0 = Date.parse('2026-11-27T10:00:00Z');
const MIN = 60_000;
const NOW = T0 + 60 * MIN;
const TTL_MS = 35 * 86_400_000;
const CLASSES = ['critical', 'time_sensitive', 'routine'] as const;

let dynamo: LocalDynamo;
let tables = 0;

async function dynamoStore(): Promise<{ store: DynamoDbMetricsStore; table: string }> {
  tables += 1;
  const table = `idempotency-${tables}`;
  await ensureTable(dynamo.client, table);
  return {
    store: new DynamoDbMetricsStore({ client: dynamo.client, tableName: table, bucketTtlMs: TTL_MS }),
    table,
  };
}

/** A correction counts into the bucket like a classification but writes no version sighting. */
function correction(id: string, i: number): Record<string, unknown> {
  return {
    type: 'correction',
    id,
    ts: new Date(T0 + (i % 60) * MIN + (i % 7) * 1000).toISOString(),
    version: V,
    emailId: `mail-${i}`,
    oldImportance: i % 2 === 0 ? 'critical' : 'routine',
    newImportance: 'time_sensitive',
  };
}

function event(id: string, i: number): Record<string, unknown> {
  return {
    type: 'classification',
    id,
    ts: new Date(T0 + (i % 60) * MIN + (i % 7) * 1000).toISOString(),
    version: V,
    importance: CLASSES[i % 3],
    latencyMs: 100 + (i % 40) * 50,
    costUsd: 0.001,
  };
}

async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await (tasks[index] as () => Promise<T>)();
      }
    }),
  );
  return results;
}

const sum = (buckets: MinuteBucket[], field: 'classified' | 'critical' | 'costNanoUsd' | 'costCount') =>
  buckets.reduce((total, bucket) => total + bucket[field], 0);

async function expectTotals(store: MetricsStore, events: number): Promise<void> {
  const minutes = await store.readBuckets(seriesKey(V), T0 - MIN, T0 + 61 * MIN);
  const rollups = await store.readHourRollups(seriesKey(V), T0 - 60 * MIN, T0 + 60 * MIN);
  for (const buckets of [minutes, rollups]) {
    expect(sum(buckets, 'classified')).toBe(events);
    expect(sum(buckets, 'critical')).toBe(Math.ceil(events / 3));
    expect(sum(buckets, 'costCount')).toBe(events);
    expect(sum(buckets, 'costNanoUsd')).toBe(events * 1_000_000);
  }
  // The rollup is the exact sum of its minutes, histogram bins included.
  expect(rollups).toHaveLength(1);
  const latency: Record<number, number> = {};
  for (const bucket of minutes) {
    for (const [bin, count] of Object.entries(bucket.latency))
      latency[Number(bin)] = (latency[Number(bin)] ?? 0) + count;
  }
  expect(rollups[0]?.latency).toEqual(latency);
}

async function expectCorrections(store: MetricsStore, count: number): Promise<void> {
  const minutes = await store.readBuckets(seriesKey(V), T0 - MIN, T0 + 61 * MIN);
  const rollups = await store.readHourRollups(seriesKey(V), T0 - 60 * MIN, T0 + 60 * MIN);
  expect(rollups).toHaveLength(1);
  for (const buckets of [minutes, rollups]) {
    expect(buckets.reduce((total, bucket) => total + bucket.corrections, 0)).toBe(count);
    expect(buckets.reduce((total, bucket) => total + bucket.criticalFp, 0)).toBe(count / 2);
  }
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});

afterAll(async () => {
  await dynamo?.stop();
});

describe('bounded batch idempotency (dynalite)', () => {
  it('10,000 batches in one hour for one version stay exact, and no bucket keeps their ids', async () => {
    const { store, table } = await dynamoStore();
    const started = performance.now();
    const tasks = Array.from(
      { length: 10_000 },
      (_, i) => () =>
        ingestBatch(store, [correction(`e-${i}`, i)], DEFAULT_POLICY, { now: NOW, batchId: `b-${i}` }),
    );
    const results = await pool(tasks, 16);
    const seconds = (performance.now() - started) / 1000;
    console.info(`10,000 one-event batches into dynalite: ${seconds.toFixed(1)} s`);

    expect(results.every((result) => result.writes === 1 && result.rollups.writes === 1)).toBe(true);
    await expectCorrections(store, 10_000);
    // Re-sending a few of them changes nothing.
    for (const i of [0, 4_999, 9_999]) {
      const again = await ingestBatch(store, [correction(`e-${i}`, i)], DEFAULT_POLICY, {
        now: NOW,
        batchId: `b-${i}`,
      });
      expect(again).toMatchObject({ writes: 0, alreadyApplied: 1 });
    }
    await expectCorrections(store, 10_000);
    const { Items = [] } = await dynamo.client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(pk, :r) OR begins_with(pk, :b)',
        ExpressionAttributeValues: { ':r': { S: 'R#' }, ':b': { S: 'B#' } },
      }),
    );
    expect(Items.length).toBe(61);
    for (const item of Items) {
      expect(item.pending).toBeUndefined();
      expect(JSON.stringify(item).length).toBeLessThan(4_000);
    }
  }, 300_000);

  it('20 concurrent batches of 500 events, then all re-sent at once: totals exact in minutes and rollups', async () => {
    const { store } = await dynamoStore();
    const batches = Array.from({ length: 20 }, (_, b) =>
      Array.from({ length: 500 }, (_, i) => event(`c-${b}-${i}`, b * 500 + i)),
    );
    const send = (withIds: boolean) =>
      Promise.all(
        batches.map((events, b) =>
          ingestBatch(store, events, DEFAULT_POLICY, {
            now: NOW,
            batchId: withIds ? `batch-${b}` : undefined,
          }),
        ),
      );

    const first = await send(true);
    const again = await Promise.all([send(true), send(true)]);

    expect(first.every((result) => result.writes === 60 && result.rollups.writes === 1)).toBe(true);
    for (const round of again)
      expect(round.every((result) => result.writes === 0 && result.alreadyApplied === 60)).toBe(true);
    await expectTotals(store, 10_000);
  }, 120_000);
});

describe.each([
  ['memory', async () => ({ store: new MemoryMetricsStore() as MetricsStore })],
  ['dynalite', dynamoStore],
])('a batchId re-used for other content (%s)', (_, makeStore) => {
  it('is refused with BatchIdConflictError naming the id, and nothing of it is counted', async () => {
    const { store } = await makeStore();
    const original = Array.from({ length: 7 }, (_, i) => event(`o-${i}`, i));
    const other = Array.from({ length: 7 }, (_, i) => event(`n-${i}`, i));
    expect(
      (await ingestBatch(store, original, DEFAULT_POLICY, { now: NOW, batchId: 'dup-1' })).accepted,
    ).toBe(7);

    const conflict = ingestBatch(store, other, DEFAULT_POLICY, { now: NOW, batchId: 'dup-1' });

    await expect(conflict).rejects.toThrow(BatchIdConflictError);
    await expect(conflict).rejects.toThrow(/batchId dup-1 was already used for different events/);
    // The same batch re-sent (even reordered) is still a no-op, and the original counts once.
    const resent = await ingestBatch(store, [...original].reverse(), DEFAULT_POLICY, {
      now: NOW,
      batchId: 'dup-1',
    });
    expect(resent.writes).toBe(0);
    const buckets = await store.readBuckets(seriesKey(V), T0 - MIN, T0 + 61 * MIN);
    expect(sum(buckets, 'classified')).toBe(7);
  });
});
