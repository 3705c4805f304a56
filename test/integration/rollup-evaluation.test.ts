import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbMetricsStore } from '../../functions/adapters/dynamodb-metrics-store.ts';
import { MemoryMetricsStore } from '../../functions/adapters/memory-metrics-store.ts';
import { aggregateEvents, emptyAggregate, seriesKey } from '../../functions/core/aggregate.ts';
import { MINUTE_MS } from '../../functions/core/buckets.ts';
import { loadEvaluationInput } from '../../functions/core/evaluation-input.ts';
import type { ClassificationEvent, CorrectionEvent, SentinelEvent } from '../../functions/core/events.ts';
import { type Policy, parsePolicy } from '../../functions/core/policy.ts';
import { evaluateVersion } from '../../functions/core/triggers/evaluate.ts';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '../../functions/local/dynalite.ts';
import type { MetricsStore } from '../../functions/ports.ts';

/**
 * Evaluation reads whole hours as rollups and the window edges as minutes. That must never
 * change a result: for random histories, instants and window lengths, the seven triggers judged
 * from the store equal the triggers judged over every minute bucket.
 */
const V = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
const T0 = Date.parse('2026-11-26T00:00:00Z');
const SPAN_MINUTES = 30 * 60;
const WINDOWS = ['90m', '3h', '7h', '24h', '25h'];

const eventArbitrary = fc.oneof(
  fc.record({
    type: fc.constant('classification' as const),
    minute: fc.integer({ min: 0, max: SPAN_MINUTES }),
    second: fc.integer({ min: 0, max: 59 }),
    importance: fc.constantFrom('critical' as const, 'time_sensitive' as const, 'routine' as const),
    otp: fc.boolean(),
    latencyMs: fc.constantFrom(400, 900, 2900, 3100, 5000, 12_000),
    costUsd: fc.constantFrom(0.001, 0.002, 0.004),
  }),
  fc.record({
    type: fc.constant('correction' as const),
    minute: fc.integer({ min: 0, max: SPAN_MINUTES }),
    second: fc.integer({ min: 0, max: 59 }),
    importance: fc.constantFrom('critical' as const, 'routine' as const),
  }),
);

/** A slow stretch makes long latency streaks likely, so the streak reader is exercised. */
const slowStretch = fc.record({
  start: fc.integer({ min: 0, max: SPAN_MINUTES }),
  minutes: fc.integer({ min: 1, max: 400 }),
});

type RawEvent = typeof eventArbitrary extends fc.Arbitrary<infer T> ? T : never;

function toEvents(raw: RawEvent[], slow: { start: number; minutes: number }): SentinelEvent[] {
  const events: SentinelEvent[] = raw.map((event, index) => {
    const ts = T0 + event.minute * MINUTE_MS + event.second * 1000;
    if (event.type === 'correction') {
      return {
        type: 'correction',
        id: `c-${index}`,
        ts,
        version: V,
        emailId: `e-${index}`,
        oldImportance: 'critical',
        newImportance: event.importance === 'critical' ? 'routine' : 'critical',
      } satisfies CorrectionEvent;
    }
    return {
      ...event,
      type: 'classification',
      id: `e-${index}`,
      ts,
      version: V,
    } satisfies ClassificationEvent;
  });
  for (let minute = slow.start; minute < Math.min(slow.start + slow.minutes, SPAN_MINUTES); minute += 1) {
    for (let sample = 0; sample < 5; sample += 1) {
      events.push({
        type: 'classification',
        id: `slow-${minute}-${sample}`,
        ts: T0 + minute * MINUTE_MS + sample,
        version: V,
        importance: 'routine',
        otp: false,
        latencyMs: 4000,
      });
    }
  }
  return events;
}

function policyWith(windows: string[]): Policy {
  const [otp, fp, latency, cost, drift] = windows;
  return parsePolicy({
    triggers: {
      otp_in_critical: { window: otp },
      fp_budget: { window: fp, minEmails: 5 },
      latency_p95: { window: latency },
      cost_spike: { window: cost, minEmails: 5 },
      distribution_drift: { window: drift, minEmails: 5 },
    },
  });
}

async function compare(
  store: MetricsStore,
  events: SentinelEvent[],
  at: number,
  policy: Policy,
  batch: string,
) {
  const aggregate = aggregateEvents(events, emptyAggregate());
  await store.applyBatch(batch, aggregate);
  const everyMinute = [...(aggregate.series.get(seriesKey(V))?.buckets.values() ?? [])].filter(
    (bucket) => bucket.minute <= at,
  );
  const input = await loadEvaluationInput(store, policy, at, V);
  // data_freshness reads the version's sightings (exact lastSeen), not its buckets: both sides get them.
  const sightings = { lastSeen: input.lastSeen, deployed: input.deployed };
  const expected = evaluateVersion({
    at,
    version: V,
    buckets: everyMinute,
    gdsReports: [],
    policy,
    ...sightings,
  });
  const actual = evaluateVersion(input);
  expect(actual).toEqual(expected);
}

const scenario = fc.record({
  raw: fc.array(eventArbitrary, { maxLength: 300 }),
  slow: slowStretch,
  atMinute: fc.integer({ min: 0, max: SPAN_MINUTES + 90 }),
  atSecond: fc.integer({ min: 0, max: 59 }),
  windows: fc.array(fc.constantFrom(...WINDOWS), { minLength: 5, maxLength: 5 }),
});

describe('evaluation over hourly rollups', () => {
  it('equals evaluation over every minute (in-memory store)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ raw, slow, atMinute, atSecond, windows }) => {
        const at = T0 + atMinute * MINUTE_MS + atSecond * 1000;
        await compare(new MemoryMetricsStore(), toEvents(raw, slow), at, policyWith(windows), 'b');
      }),
      { numRuns: 150 },
    );
  });

  describe('on dynalite', () => {
    let dynamo: LocalDynamo;
    beforeAll(async () => {
      dynamo = await startLocalDynamo();
      await ensureTable(dynamo.client, 'rollups');
    });
    afterAll(async () => {
      await dynamo.stop();
    });

    it('equals evaluation over every minute (DynamoDB adapter)', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(scenario, async ({ raw, slow, atMinute, atSecond, windows }) => {
          run += 1;
          // A fresh series per run: same table, no leftovers from earlier runs.
          const version = { ...V, prompt: `run-${run}` };
          const events = toEvents(raw, slow).map((event) => ({ ...event, version }));
          const at = T0 + atMinute * MINUTE_MS + atSecond * 1000;
          const store = new DynamoDbMetricsStore({
            client: dynamo.client,
            tableName: 'rollups',
            bucketTtlMs: 86_400_000,
          });
          const policy = policyWith(windows);
          const aggregate = aggregateEvents(events, emptyAggregate());
          await store.applyBatch(`b-${run}`, aggregate);
          const everyMinute = [...(aggregate.series.get(seriesKey(version))?.buckets.values() ?? [])].filter(
            (bucket) => bucket.minute <= at,
          );
          const input = await loadEvaluationInput(store, policy, at, version);
          const sightings = { lastSeen: input.lastSeen, deployed: input.deployed };
          const expected = evaluateVersion({
            at,
            version,
            buckets: everyMinute,
            gdsReports: [],
            policy,
            ...sightings,
          });
          expect(evaluateVersion(input)).toEqual(expected);
        }),
        { numRuns: 25 },
      );
    });

    it('reads about 24 rollups and the edge minutes for a healthy day, and applies rollups exactly once', async () => {
      const store = new DynamoDbMetricsStore({
        client: dynamo.client,
        tableName: 'rollups',
        bucketTtlMs: 86_400_000,
      });
      const version = { ...V, prompt: 'healthy-day' };
      const events: SentinelEvent[] = Array.from({ length: 24 * 60 * 6 }, (_, index) => ({
        type: 'classification',
        id: `d-${index}`,
        ts: T0 + Math.floor(index / 6) * MINUTE_MS + (index % 6) * 1000,
        version,
        importance: 'routine',
        otp: false,
        latencyMs: 700,
      }));
      const aggregate = aggregateEvents(events, emptyAggregate());
      const first = await store.applyBatch('day', aggregate);
      const again = await store.applyBatch('day', aggregate);
      expect(first.rollups).toEqual({ writes: 24, alreadyApplied: 0 });
      expect(again.rollups).toEqual({ writes: 0, alreadyApplied: 24 });

      const reads: { kind: string; count: number }[] = [];
      const counting: MetricsStore = {
        applyBatch: (id, batch) => store.applyBatch(id, batch),
        readGdsReports: (v, from, to) => store.readGdsReports(v, from, to),
        listVersionSightings: () => store.listVersionSightings(),
        readBuckets: async (series, from, to) => {
          const buckets = await store.readBuckets(series, from, to);
          reads.push({ kind: 'minutes', count: buckets.length });
          return buckets;
        },
        readHourRollups: async (series, from, to) => {
          const rollups = await store.readHourRollups(series, from, to);
          reads.push({ kind: 'hours', count: rollups.length });
          return rollups;
        },
      };
      const at = T0 + 24 * 60 * MINUTE_MS - MINUTE_MS + 30_000;
      const policy = parsePolicy({});
      const evaluation = evaluateVersion(await loadEvaluationInput(counting, policy, at, version));
      const minutesRead = reads
        .filter((read) => read.kind === 'minutes')
        .reduce((sum, read) => sum + read.count, 0);
      const hoursRead = reads
        .filter((read) => read.kind === 'hours')
        .reduce((sum, read) => sum + read.count, 0);
      expect(hoursRead).toBeGreaterThanOrEqual(22);
      expect(minutesRead).toBeLessThanOrEqual(120);
      expect(evaluation.triggers.find((trigger) => trigger.id === 'latency_p95')).toMatchObject({
        outcome: 'ok',
        value: 0,
      });
      expect(evaluation.triggers.find((trigger) => trigger.id === 'otp_in_critical')?.samples).toBe(
        24 * 60 * 6,
      );
    });
  });
});
