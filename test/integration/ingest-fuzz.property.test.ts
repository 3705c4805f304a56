import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbMetricsStore } from '../../functions/adapters/dynamodb-metrics-store.ts';
import { MemoryMetricsStore } from '../../functions/adapters/memory-metrics-store.ts';
import { seriesKey } from '../../functions/core/aggregate.ts';
import { SentinelError } from '../../functions/core/errors.ts';
import { ingestBatch } from '../../functions/core/ingest.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import type { Version } from '../../functions/core/version.ts';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '../../functions/local/dynalite.ts';
import type { MetricsStore } from '../../functions/ports.ts';

/**
 * Fuzzing the core ingest path: arbitrary JSON and hostile events mixed with valid ones. Whatever
 * the mix, ingest only ever throws a named SentinelError, every valid event counts exactly once
 * (also when the batch is sent twice), and no other version's buckets change.
 */
const T0 = Date.parse('2026-11-27T10:00:00Z');
const MIN = 60_000;
const NOW = T0 + 60 * MIN;

const part = fc.string({
  unit: fc.constantFrom('|', '\\', 'a', 'shadow', '#', '2.0'),
  minLength: 1,
  maxLength: 6,
});
const versionArb: fc.Arbitrary<Version> = fc.record({ model: part, modelVersion: part, prompt: part });

type Kind = 'classification' | 'correction';
const validEvent = (version: Version) =>
  fc
    .record({
      kind: fc.constantFrom<Kind>('classification', 'correction'),
      minute: fc.integer({ min: 0, max: 59 }),
      importance: fc.constantFrom('critical', 'time_sensitive', 'routine'),
      latencyMs: fc.option(fc.double({ min: 0, max: 3_600_000, noNaN: true }), { nil: undefined }),
      costUsd: fc.option(fc.double({ min: 0, max: 10, noNaN: true }), { nil: undefined }),
    })
    .map((e) => ({ ...e, version }));

const deep = fc
  .integer({ min: 9, max: 2_000 })
  .map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`));
/** Values that make any field they replace invalid. */
const poison = fc.oneof(
  fc.constantFrom(
    'constructor',
    '__proto__',
    'toString',
    'x'.repeat(2_000),
    '9999-12-31T23:59:59Z',
    '0001-01-01T00:00:00Z',
  ),
  fc.constantFrom(-1, 9e6, 1e300, Number.MAX_SAFE_INTEGER * 4, null, true),
  deep,
);
const FIELDS = ['type', 'ts', 'version', 'importance', 'costUsd', 'latencyMs', 'id'] as const;
const invalidEvent = fc.oneof(
  // Arbitrary JSON: never shaped like an event.
  fc.jsonValue(),
  // A valid-looking classification with one field poisoned.
  fc.record({ field: fc.constantFrom(...FIELDS), value: poison }).map(({ field, value }) => ({
    type: 'classification',
    id: 'poisoned',
    ts: new Date(T0).toISOString(),
    version: { model: 'm', modelVersion: '1', prompt: 'p' },
    importance: 'routine',
    [field]:
      field === 'id' || field === 'importance' || field === 'ts' || field === 'type'
        ? typeof value === 'string' && field !== 'id'
          ? value
          : deepOr(value)
        : value,
  })),
);

/** Strings that would be valid in a string field are swapped for a deep value. */
function deepOr(value: unknown): unknown {
  return typeof value === 'string' && value.length <= 256 ? [[[[[[[[[[value]]]]]]]]]] : value;
}

type Scenario = unknown;

const scenario = fc
  .record({ live: versionArb, other: versionArb })
  .filter(({ live, other }) => seriesKey(live) !== seriesKey(other))
  .chain(({ live, other }) =>
    fc.record({
      live: fc.constant(live),
      other: fc.constant(other),
      valid: fc.array(validEvent(live), { maxLength: 25 }),
      invalid: fc.array(invalidEvent, { maxLength: 15 }),
      order: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
    }),
  );

function toRaw(
  e: {
    kind: Kind;
    minute: number;
    importance: string;
    latencyMs?: number;
    costUsd?: number;
    version: Version;
  },
  i: number,
) {
  const ts = new Date(T0 + e.minute * MIN + (i % 60) * 100).toISOString();
  if (e.kind === 'correction') {
    return {
      type: 'correction',
      id: `v-${i}`,
      ts,
      version: e.version,
      emailId: `m-${i}`,
      oldImportance: 'critical',
      newImportance: e.importance,
    };
  }
  return {
    type: 'classification',
    id: `v-${i}`,
    ts,
    version: e.version,
    importance: e.importance,
    latencyMs: e.latencyMs,
    costUsd: e.costUsd,
  };
}

async function totals(store: MetricsStore, version: Version) {
  const buckets = await store.readBuckets(seriesKey(version), T0 - MIN, T0 + 61 * MIN);
  const rollups = await store.readHourRollups(seriesKey(version), T0 - 60 * MIN, T0 + 60 * MIN);
  const sum = (list: typeof buckets, field: 'classified' | 'corrections') =>
    list.reduce((t, b) => t + b[field], 0);
  return {
    classified: sum(buckets, 'classified'),
    corrections: sum(buckets, 'corrections'),
    rollupClassified: sum(rollups, 'classified'),
    rollupCorrections: sum(rollups, 'corrections'),
    buckets,
  };
}

async function check(store: MetricsStore, input: Scenario): Promise<void> {
  const { live, other, valid, invalid, order } = input as unknown as {
    live: Version;
    other: Version;
    valid: Parameters<typeof toRaw>[0][];
    invalid: unknown[];
    order: number[];
  };
  // Other traffic already stored, which must not move.
  await ingestBatch(
    store,
    [toRaw({ kind: 'classification', minute: 3, importance: 'routine', version: other }, 999)],
    DEFAULT_POLICY,
    { now: NOW },
  );
  const before = await totals(store, other);
  // Interleave valid and invalid events in a random order.
  const mixed: unknown[] = valid.map(toRaw);
  invalid.forEach((event, i) => {
    mixed.splice((order[i] ?? 0) % (mixed.length + 1), 0, event);
  });

  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const result = await ingestBatch(store, mixed, DEFAULT_POLICY, { now: NOW });
      expect(result.accepted).toBe(valid.length);
      expect(result.rejected).toHaveLength(invalid.length);
    } catch (error) {
      expect(error).toBeInstanceOf(SentinelError);
      return;
    }
  }
  const after = await totals(store, live);
  const classifications = valid.filter((e) => e.kind === 'classification').length;
  expect(after.classified).toBe(classifications);
  expect(after.corrections).toBe(valid.length - classifications);
  expect(after.rollupClassified).toBe(classifications);
  expect(after.rollupCorrections).toBe(valid.length - classifications);
  expect(await totals(store, other)).toEqual(before);
}

let dynamo: LocalDynamo;
let tables = 0;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

describe('ingestBatch under fuzzing', () => {
  it('in memory: 1,000 seeded cases', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (input) => check(new MemoryMetricsStore(), input as unknown as Scenario)),
      { numRuns: 1_000, seed: 4242 },
    );
  }, 60_000);

  it('on dynalite through the DynamoDB adapter: 60 seeded cases', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (input) => {
        tables += 1;
        const table = `fuzz-${tables}`;
        await ensureTable(dynamo.client, table);
        const store = new DynamoDbMetricsStore({
          client: dynamo.client,
          tableName: table,
          bucketTtlMs: 35 * 86_400_000,
        });
        await check(store, input as unknown as Scenario);
      }),
      { numRuns: 60, seed: 4243 },
    );
  }, 120_000);
});
