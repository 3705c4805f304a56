import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { DynamoDbMetricsStore } from '../../functions/adapters/dynamodb-metrics-store.ts';
import { MemoryMetricsStore } from '../../functions/adapters/memory-metrics-store.ts';
import { type BatchAggregate, bucketCount, seriesKey } from '../../functions/core/aggregate.ts';
import { emptyBucket, hourlyRollups, type MinuteBucket } from '../../functions/core/buckets.ts';
import { parseDuration } from '../../functions/core/duration.ts';
import { binOf } from '../../functions/core/histogram.ts';
import { ingestBatch, prepareBatch } from '../../functions/core/ingest.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../functions/core/policy.ts';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '../../functions/local/dynalite.ts';

const V1 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
const V2 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v1' };
const T0 = Date.parse('2026-11-27T10:00:00Z');
const MIN = 60_000;
/** The receiving clock: a day after the traffic, well inside the timestamp window. */
const NOW = T0 + 24 * 60 * MIN;
const TTL_MS = parseDuration(DEFAULT_POLICY.store.bucketTtl);

function classification(
  id: string,
  ts: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'classification',
    id,
    ts: new Date(ts).toISOString(),
    version: V1,
    importance: 'routine',
    ...extra,
  };
}

/** `count` events spread over `minutes` minutes from T0, with every metric present. */
function traffic(prefix: string, count: number, minutes: number, version = V1): Record<string, unknown>[] {
  const classes = ['critical', 'time_sensitive', 'routine', 'routine'];
  return Array.from({ length: count }, (_, i) =>
    classification(`${prefix}-${i}`, T0 + (i % minutes) * MIN + (i % 59) * 1000, {
      version,
      importance: classes[i % classes.length],
      latencyMs: 200 + ((i * 37) % 3000),
      costUsd: 0.001 + (i % 5) * 0.0001,
      error: i % 17 === 0,
    }),
  );
}

let dynamo: LocalDynamo;
let tableCount = 0;

async function freshStore(
  options: { queryPageSize?: number } = {},
): Promise<{ store: DynamoDbMetricsStore; table: string }> {
  tableCount += 1;
  const table = `metrics-store-${tableCount}`;
  await ensureTable(dynamo.client, table);
  return {
    store: new DynamoDbMetricsStore({
      client: dynamo.client,
      tableName: table,
      bucketTtlMs: TTL_MS,
      ...options,
    }),
    table,
  };
}

async function scan(client: DynamoDBClient, table: string): Promise<Record<string, AttributeValue>[]> {
  const { Items } = await client.send(new ScanCommand({ TableName: table }));
  return Items ?? [];
}

/** Every live bucket of a version over a generous range. */
function readAll(store: DynamoDbMetricsStore | MemoryMetricsStore, version = V1): Promise<MinuteBucket[]> {
  return store.readBuckets(seriesKey(version), T0 - 24 * 60 * MIN, T0 + 24 * 60 * MIN);
}

/** What a store holding exactly this aggregate once would return. */
async function expectedBuckets(aggregate: BatchAggregate, version = V1): Promise<MinuteBucket[]> {
  const memory = new MemoryMetricsStore();
  await memory.applyBatch('expected', aggregate);
  return readAll(memory, version);
}

/** Records the DynamoDB operations a client sends (target and JSON body). */
function recordRequests(client: DynamoDBClient): { operation: string; body: Record<string, unknown> }[] {
  const seen: { operation: string; body: Record<string, unknown> }[] = [];
  const name = `recordRequests-${Math.random()}`;
  onTestFinished(() => {
    client.middlewareStack.remove(name);
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers: Record<string, string>; body: string | Uint8Array };
      const operation = request.headers['x-amz-target']?.split('.')[1] ?? '?';
      const text = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
      seen.push({ operation, body: JSON.parse(text) });
      return next(args);
    },
    { step: 'finalizeRequest', name },
  );
  return seen;
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});

afterAll(async () => {
  await dynamo?.stop();
});

describe('DynamoDbMetricsStore on dynalite', () => {
  it('round-trips buckets, histogram bins, costs, reports and sightings', async () => {
    const { store } = await freshStore();
    const gdsTs = T0 + 5 * MIN;
    const events = [
      classification('e1', T0, {
        importance: 'critical',
        latencyMs: 850,
        costUsd: 0.0011,
        snippet: 'Your verification code is 123456',
      }),
      classification('e2', T0 + 30_000, { latencyMs: 1200, costUsd: 0.0009 }),
      classification('e3', T0 + 59_999, { importance: 'time_sensitive', error: true }),
      classification('e4', T0 + MIN, { importance: 'critical', latencyMs: 3100, otp: true }),
      {
        type: 'correction',
        id: 'c1',
        ts: new Date(T0 + MIN + 5).toISOString(),
        version: V1,
        emailId: 'e1',
        oldImportance: 'critical',
        newImportance: 'routine',
      },
      {
        type: 'correction',
        id: 'c2',
        ts: new Date(T0 + MIN + 6).toISOString(),
        version: V1,
        emailId: 'e2',
        oldImportance: 'routine',
        newImportance: 'critical',
      },
      classification('e5', T0, { version: V2, latencyMs: 500 }),
      classification('e6', T0 + 2 * MIN, { version: V2, shadow: true }),
      {
        type: 'gds_report',
        id: 'g1',
        ts: new Date(gdsTs).toISOString(),
        version: V1,
        dataset: 'gds-1',
        critical: { tp: 171, fp: 9, fn: 21 },
      },
    ];

    const result = await ingestBatch(store, events, DEFAULT_POLICY, { now: NOW });

    expect(result).toMatchObject({ accepted: 9, rejected: [], duplicates: 0, alreadyApplied: 0 });
    expect(await readAll(store)).toEqual([
      {
        ...emptyBucket(T0),
        classified: 3,
        critical: 1,
        time_sensitive: 1,
        routine: 1,
        otpCritical: 1,
        errors: 1,
        costNanoUsd: 2_000_000,
        costCount: 2,
        latency: { [binOf(850)]: 1, [binOf(1200)]: 1 },
        latencyOver: { gt3000: 0, ge2000: 0 },
      },
      {
        ...emptyBucket(T0 + MIN),
        classified: 1,
        critical: 1,
        otpCritical: 1,
        latency: { [binOf(3100)]: 1 },
        latencyOver: { gt3000: 1, ge2000: 1 },
        corrections: 2,
        criticalFp: 1,
        criticalFn: 1,
      },
    ]);
    expect(await store.readBuckets(seriesKey(V1), T0 + MIN, T0 + MIN)).toHaveLength(1);
    expect(await store.readBuckets(seriesKey(V1), T0 - 10 * MIN, T0 - MIN)).toEqual([]);
    expect(await readAll(store, V2)).toEqual([
      {
        ...emptyBucket(T0),
        classified: 1,
        routine: 1,
        latency: { [binOf(500)]: 1 },
        latencyOver: { gt3000: 0, ge2000: 0 },
      },
    ]);
    expect(await store.readBuckets(seriesKey(V2, true), T0, T0 + 10 * MIN)).toHaveLength(1);

    const reports = await store.readGdsReports(V1, gdsTs - 1, gdsTs);
    expect(reports).toEqual([
      {
        type: 'gds_report',
        id: 'g1',
        ts: gdsTs,
        version: V1,
        dataset: 'gds-1',
        critical: { tp: 171, fp: 9, fn: 21 },
      },
    ]);
    expect(await store.readGdsReports(V1, gdsTs, gdsTs + MIN)).toEqual([]);
    expect(await store.readGdsReports(V2, 0, gdsTs + MIN)).toEqual([]);

    // Shadow traffic is not a deployment: V2 is seen only at T0 through its live event.
    expect(await store.listVersionSightings()).toEqual([
      { version: V1, firstSeen: T0, lastSeen: T0 + MIN },
      { version: V2, firstSeen: T0, lastSeen: T0 },
    ]);
  });

  it('round-trips the exact latency counts at the policy thresholds, in minutes and hourly rollups, once', async () => {
    const { store } = await freshStore();
    const policy = parsePolicy({ triggers: { latency_p95: { thresholdMs: 2500 } } });
    // Two hours, latencies 200 … 3199 ms, including values exactly at the thresholds.
    const events = [
      ...traffic('x', 720, 120),
      classification('at-2500', T0 + 3 * MIN, { latencyMs: 2500 }),
      classification('at-2000', T0 + 3 * MIN, { latencyMs: 2000 }),
    ];
    for (let i = 0; i < 2; i++) await ingestBatch(store, events, policy, { now: NOW, batchId: 'exact' });

    const minutes = await readAll(store);
    const sum = (key: string) => minutes.reduce((total, bucket) => total + (bucket.latencyOver[key] ?? 0), 0);
    const latencies = events.map((event) => event.latencyMs as number);
    expect(sum('gt2500')).toBe(latencies.filter((ms) => ms > 2500).length);
    expect(sum('ge2000')).toBe(latencies.filter((ms) => ms >= 2000).length);
    expect(minutes.every((bucket) => Object.keys(bucket.latencyOver).sort().join() === 'ge2000,gt2500')).toBe(
      true,
    );
    expect(minutes.find((bucket) => bucket.minute === T0 + 3 * MIN)?.latencyOver).toEqual(
      expect.objectContaining({ gt2500: expect.any(Number), ge2000: expect.any(Number) }),
    );
    // Rollups equal the sums of their minutes, counters and exact counts alike.
    const rollups = await store.readHourRollups(seriesKey(V1), T0, T0 + 60 * MIN);
    expect(rollups).toHaveLength(2);
    expect(rollups).toEqual([...hourlyRollups(minutes).values()]);
  });

  it('counts the same batch sent three times once (same batchId)', async () => {
    const { store } = await freshStore();
    const events = traffic('a', 300, 5);
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push(await ingestBatch(store, events, DEFAULT_POLICY, { now: NOW, batchId: 'batch-1' }));

    expect(results.map((r) => [r.writes, r.alreadyApplied])).toEqual([
      [5, 0],
      [0, 5],
      [0, 5],
    ]);
    expect(await readAll(store)).toEqual(
      await expectedBuckets(prepareBatch(events, DEFAULT_POLICY, { now: NOW }).aggregate),
    );
  });

  it('counts the same content sent three times once without a batchId, in any order and spelling', async () => {
    const { store } = await freshStore();
    const otpEvent: Record<string, unknown> = {
      ...traffic('b', 1, 1)[0],
      importance: 'critical',
      snippet: 'Your login code: 339102',
    };
    const events = [otpEvent, ...traffic('b', 200, 4).slice(1)];
    // Reversed, with every object's keys in reverse order too.
    const reordered = [...events].reverse().map((event) =>
      Object.fromEntries(
        Object.entries({
          ...event,
          version: { prompt: V1.prompt, modelVersion: V1.modelVersion, model: V1.model },
        }).reverse(),
      ),
    );
    const respelled: Record<string, unknown>[] = events.map((event) => ({
      ...event,
      ts: (event.ts as string).replace('.000Z', 'Z'),
    }));
    respelled[0] = {
      ...otpEvent,
      snippet: undefined,
      otp: true,
      ts: (otpEvent.ts as string).replace('.000Z', '+00:00'),
    };

    const results = [
      await ingestBatch(store, events, DEFAULT_POLICY, { now: NOW }),
      await ingestBatch(store, reordered, DEFAULT_POLICY, { now: NOW }),
      await ingestBatch(store, respelled, DEFAULT_POLICY, { now: NOW }),
    ];

    expect(new Set(results.map((r) => r.batchId)).size).toBe(1);
    expect(results.map((r) => r.writes)).toEqual([4, 0, 0]);
    const once = await expectedBuckets(prepareBatch(events, DEFAULT_POLICY, { now: NOW }).aggregate);
    expect(await readAll(store)).toEqual(once);

    // Control: different content is a different batch and does count.
    const other = await ingestBatch(store, traffic('c', 10, 1), DEFAULT_POLICY, { now: NOW });
    expect(other.batchId).not.toBe(results[0]?.batchId);
    expect(other.writes).toBe(1);
    expect((await readAll(store))[0]?.classified).toBe((once[0]?.classified ?? 0) + 10);
  });

  it('stores the 95 valid events of a batch of 100 and reports the 5 bad ones', async () => {
    const { store } = await freshStore();
    const events: unknown[] = traffic('m', 100, 3);
    events[3] = { ...(events[3] as object), type: 'classify' };
    events[20] = { ...(events[20] as object), ts: undefined };
    events[41] = { ...(events[41] as object), importance: 'urgent' };
    events[77] = { ...(events[77] as object), latencyMs: -5 };
    events[99] = { ...(events[99] as object), ts: 'yesterday' };

    const result = await ingestBatch(store, events, DEFAULT_POLICY, { now: NOW });

    expect(result.accepted).toBe(95);
    expect(result.rejected).toEqual([
      {
        index: 3,
        id: 'm-3',
        field: 'type',
        message: 'must be one of classification, correction, gds_report (got "classify")',
      },
      { index: 20, id: 'm-20', field: 'ts', message: 'is required' },
      {
        index: 41,
        id: 'm-41',
        field: 'importance',
        message: 'must be one of critical, time_sensitive, routine (got "urgent")',
      },
      { index: 77, id: 'm-77', field: 'latencyMs', message: 'must not be negative' },
      {
        index: 99,
        id: 'm-99',
        field: 'ts',
        message: 'must be an ISO 8601 UTC timestamp such as 2026-11-27T10:00:00Z',
      },
    ]);
    const stored = await readAll(store);
    expect(stored.reduce((sum, bucket) => sum + bucket.classified, 0)).toBe(95);
    const valid = events.filter((_, index) => ![3, 20, 41, 77, 99].includes(index));
    expect(stored).toEqual(
      await expectedBuckets(prepareBatch(valid, DEFAULT_POLICY, { now: NOW }).aggregate),
    );
  });

  it('finishes a partially applied batch on retry with every bucket counted exactly once', async () => {
    const { store, table } = await freshStore();
    const events = [...traffic('p', 600, 12), ...traffic('q', 200, 6, V2)];
    const prepared = prepareBatch(events, DEFAULT_POLICY, { now: NOW, batchId: 'crashy' });
    const total = bucketCount(prepared.aggregate);
    // The "crash": only the even minutes of V1 reach the table; every other bucket write fails.
    const crashing = storeFailingBucketWrites(
      table,
      (pk, sk) => pk === `B#${seriesKey(V1)}` && ((Date.parse(sk) - T0) / MIN) % 2 === 0,
    );
    await expect(
      ingestBatch(crashing, events, DEFAULT_POLICY, { now: NOW, batchId: 'crashy' }),
    ).rejects.toThrow(/simulated crash/);
    const applied = 6;
    expect((await readAll(store)).length).toBe(applied);

    const retry = await ingestBatch(store, events, DEFAULT_POLICY, { now: NOW, batchId: 'crashy' });

    expect(retry.writes).toBe(total - applied);
    expect(retry.alreadyApplied).toBe(applied);
    expect(await readAll(store)).toEqual(await expectedBuckets(prepared.aggregate));
    expect(await readAll(store, V2)).toEqual(await expectedBuckets(prepared.aggregate, V2));
  });

  it('sets the TTL attribute on buckets and their hourly rollups only', async () => {
    const { store, table } = await freshStore();
    await ingestBatch(
      store,
      [
        ...traffic('t', 20, 2),
        {
          type: 'gds_report',
          id: 'g',
          ts: new Date(T0).toISOString(),
          version: V1,
          dataset: 'd',
          critical: { tp: 1, fp: 0, fn: 0 },
        },
      ],
      DEFAULT_POLICY,
      { now: NOW },
    );

    const items = await scan(dynamo.client, table);
    const isBucket = (item: (typeof items)[number]) => /^[BR]#/.test(String(item.pk?.S));
    const buckets = items.filter(isBucket);
    // Two minute buckets and the rollup of their hour.
    expect(buckets.map((item) => String(item.pk?.S)[0]).sort()).toEqual(['B', 'B', 'R']);
    for (const item of buckets) {
      const start = Date.parse(String(item.sk?.S));
      expect(Number(item.expiresAt?.N)).toBe(start / 1000 + 35 * 24 * 3600);
    }
    // The batch item outlives every retry the timestamp window still accepts (TTL + a day).
    const batches = items.filter((item) => String(item.pk?.S).startsWith('M#'));
    expect(batches).toHaveLength(1);
    expect(Number(batches[0]?.expiresAt?.N)).toBeGreaterThanOrEqual(Math.floor((Date.now() + TTL_MS) / 1000));
    for (const item of items.filter((item) => !isBucket(item) && !String(item.pk?.S).startsWith('M#'))) {
      expect(item.expiresAt).toBeUndefined();
    }
    // Nothing of the batch stays on its buckets once it is complete.
    for (const item of buckets) expect(item.pending).toBeUndefined();
  });

  it('costs one conditional UpdateItem per touched bucket, one token removal each, and three batch-item writes', async () => {
    const { store } = await freshStore();
    const requests = recordRequests(dynamo.client);
    const events = [...traffic('w', 500, 10), ...traffic('x', 500, 10, V2)];
    const prepared = prepareBatch(events, DEFAULT_POLICY, { now: NOW });

    const result = await store.applyBatch(prepared.batchId, prepared.aggregate);

    const writesTo = (prefix: string) =>
      requests.filter(
        (r) =>
          r.operation === 'UpdateItem' &&
          String((r.body.Key as Record<string, { S: string }>).pk?.S).startsWith(prefix),
      );
    const applies = (prefix: string) =>
      writesTo(prefix).filter((r) => String(r.body.UpdateExpression).includes('ADD'));
    const removals = (prefix: string) =>
      writesTo(prefix).filter((r) => String(r.body.UpdateExpression).startsWith('DELETE'));
    expect(bucketCount(prepared.aggregate)).toBe(20);
    expect(result.writes).toBe(20);
    expect(applies('B#')).toHaveLength(20);
    for (const write of applies('B#')) expect(write.body.ConditionExpression).toContain('NOT contains');
    // Plus one hourly rollup per (series, hour) — both series sit in one hour — with the same
    // exactly-once condition, and two small min/max updates per version seen.
    expect(result.rollups).toEqual({ writes: 2, alreadyApplied: 0 });
    expect(applies('R#')).toHaveLength(2);
    for (const write of applies('R#')) expect(write.body.ConditionExpression).toContain('NOT contains');
    // The complete batch takes its token off each bucket and rollup again: items stay bounded.
    expect(removals('B#')).toHaveLength(20);
    expect(removals('R#')).toHaveLength(2);
    // The batch item: register, finish, cleaned.
    expect(writesTo('M#')).toHaveLength(3);
    expect(requests.filter((r) => r.operation !== 'Query')).toHaveLength(2 * (20 + 2) + 2 * 2 + 3);
  });

  it('splits a bucket too wide for one 4 KB expression into parts, each idempotent', async () => {
    const { store } = await freshStore();
    const requests = recordRequests(dynamo.client);
    // 450 distinct latency bins in one minute.
    const events = Array.from({ length: 450 }, (_, i) =>
      classification(`wide-${i}`, T0, { latencyMs: 1.02 ** (i + 1) }),
    );
    const prepared = prepareBatch(events, DEFAULT_POLICY, { now: NOW, batchId: 'wide' });
    expect(
      Object.keys(prepared.aggregate.series.get(seriesKey(V1))?.buckets.get(T0)?.latency ?? {}),
    ).toHaveLength(450);

    const first = await store.applyBatch('wide', prepared.aggregate);
    const again = await store.applyBatch('wide', prepared.aggregate);

    expect(first).toEqual({
      writes: 3,
      alreadyApplied: 0,
      writtenBuckets: [{ series: seriesKey(V1), minute: T0 }],
      // The hour's rollup is as wide as its one minute: split the same way.
      rollups: { writes: 3, alreadyApplied: 0 },
    });
    expect(again).toEqual({
      writes: 0,
      alreadyApplied: 3,
      writtenBuckets: [],
      rollups: { writes: 0, alreadyApplied: 3 },
    });
    expect(await readAll(store)).toEqual(await expectedBuckets(prepared.aggregate));
    for (const request of requests.filter((r) => r.operation === 'UpdateItem')) {
      expect(String(request.body.UpdateExpression).length).toBeLessThanOrEqual(4096);
    }
  });

  it('pages through long query results', async () => {
    const { store } = await freshStore({ queryPageSize: 7 });
    const events = Array.from({ length: 50 }, (_, i) => classification(`pg-${i}`, T0 + i * MIN));
    await ingestBatch(store, events, DEFAULT_POLICY, { now: NOW });

    const buckets = await readAll(store);

    expect(buckets.map((bucket) => bucket.minute)).toEqual(events.map((_, i) => T0 + i * MIN));
  });

  it('keeps firstSeen/lastSeen as min/max across batches in any order', async () => {
    const { store } = await freshStore();
    await ingestBatch(store, [classification('s1', T0 + 60 * MIN)], DEFAULT_POLICY, { now: NOW });
    await ingestBatch(
      store,
      [classification('s2', T0), classification('s3', T0 + 120 * MIN)],
      DEFAULT_POLICY,
      { now: NOW },
    );
    await ingestBatch(store, [classification('s4', T0 + 90 * MIN)], DEFAULT_POLICY, { now: NOW });

    expect(await store.listVersionSightings()).toEqual([
      { version: V1, firstSeen: T0, lastSeen: T0 + 120 * MIN },
    ]);
  });
});

describe('startLocalDynamo', () => {
  it('keeps data across restarts when given a path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sentinel-dynalite-'));
    try {
      const first = await startLocalDynamo({ path: dir });
      await ensureTable(first.client, 'persisted');
      const store = new DynamoDbMetricsStore({
        client: first.client,
        tableName: 'persisted',
        bucketTtlMs: TTL_MS,
      });
      await ingestBatch(store, traffic('r', 30, 3), DEFAULT_POLICY, { now: NOW });
      await first.stop();

      const second = await startLocalDynamo({ path: dir });
      try {
        await ensureTable(second.client, 'persisted');
        const reopened = new DynamoDbMetricsStore({
          client: second.client,
          tableName: 'persisted',
          bucketTtlMs: TTL_MS,
        });
        const buckets = await readAll(reopened);
        expect(buckets.reduce((sum, bucket) => sum + bucket.classified, 0)).toBe(30);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A store on its own client whose bucket writes fail unless `reaches(pk, sk)`. */
function storeFailingBucketWrites(
  table: string,
  reaches: (pk: string, sk: string) => boolean,
): DynamoDbMetricsStore {
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  onTestFinished(() => client.destroy());
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: { pk?: unknown; sk?: unknown } }).Key;
      const isBucketWrite =
        context.commandName === 'UpdateItemCommand' && typeof key?.pk === 'string' && key.pk.startsWith('B#');
      if (isBucketWrite && !reaches(key.pk as string, String(key.sk))) throw new Error('simulated crash');
      return next(args);
    },
    { step: 'initialize', name: 'failBucketWrites' },
  );
  return new DynamoDbMetricsStore({ client, tableName: table, bucketTtlMs: TTL_MS });
}
