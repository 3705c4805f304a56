/**
 * Ingest benchmark: in-process aggregation and end-to-end ingest into dynalite for a day of
 * traffic at 100k and 1M events/day, ingested in chunks of 100,000 events per batch (as the CLI
 * file ingest does). Prints figures and their ratio to the targets; asserts nothing.
 *
 *   npx tsx test/bench/ingest.ts
 */
import { pathToFileURL } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbMetricsStore } from '../../functions/adapters/dynamodb-metrics-store.ts';
import { aggregateEvents, bucketCount } from '../../functions/core/aggregate.ts';
import type { SentinelEvent } from '../../functions/core/events.ts';
import { parseEvent } from '../../functions/core/events.ts';
import { prepareBatch } from '../../functions/core/ingest.ts';
import { parsePolicy } from '../../functions/core/policy.ts';
import { ensureTable, startLocalDynamo } from '../../functions/local/dynalite.ts';
import { seededRandom } from '../../functions/local/simulator.ts';

const CHUNK = 100_000;
const DAY_MS = 86_400_000;
const START = Date.parse('2026-11-27T00:00:00Z');
const TARGET_AGGREGATION_EVENTS_PER_SEC = 50_000;
const TARGET_WRITES_PER_1000_AT_1M = 2;
const POLICY = parsePolicy({ ingest: { maxEventsPerBatch: CHUNK } });
const VERSION = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };

const SNIPPETS = [
  'Your verification code is 482913',
  'Quarterly board meeting moved to Thursday',
  'Your invoice #4471 is overdue',
  'Weekly newsletter: footprint of cloud costs',
  'Promo code SAVE10 inside',
  'Flight UA 881 boarding gate changed to B12',
  'Use 5521 as your one-time passcode',
  'Lunch on Friday?',
  'Your package was delivered',
  'Security alert: new sign-in from Chrome on Mac',
];
const CLASSES = ['critical', 'time_sensitive', 'routine'] as const;

/**
 * Events `from … from+count` of a day carrying `perDay` events, as they arrive on the wire:
 * 97 % classifications (with snippets, lognormal latency around 700 ms), 3 % corrections, and
 * one GDS report at noon.
 */
function syntheticChunk(perDay: number, from: number, count: number): unknown[] {
  const random = seededRandom(from + 1);
  const events: unknown[] = [];
  for (let i = from; i < from + count; i++) {
    const ts = new Date(START + Math.floor((i * DAY_MS) / perDay)).toISOString();
    const roll = random();
    if (i === Math.floor(perDay / 2)) {
      events.push({
        type: 'gds_report',
        id: `g-${i}`,
        ts,
        version: VERSION,
        dataset: 'gds-1',
        critical: { tp: 171, fp: 9, fn: 21 },
      });
    } else if (roll < 0.03) {
      events.push({
        type: 'correction',
        id: `c-${i}`,
        ts,
        version: VERSION,
        emailId: `e-${i - 1}`,
        oldImportance: 'critical',
        newImportance: 'routine',
      });
    } else {
      const normal = Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
      events.push({
        type: 'classification',
        id: `e-${i}`,
        ts,
        version: VERSION,
        importance: CLASSES[roll < 0.18 ? 0 : roll < 0.43 ? 1 : 2],
        latencyMs: Math.round(700 * Math.exp(0.42 * normal)),
        costUsd: 0.0009 + random() * 0.0002,
        snippet: SNIPPETS[Math.floor(random() * SNIPPETS.length)],
        error: random() < 0.002,
      });
    }
  }
  return events;
}

/** Counts the write requests that actually reach the table. */
function countWrites(client: DynamoDBClient): { writes: number } {
  const counter = { writes: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'UpdateItemCommand' || context.commandName === 'PutItemCommand')
        counter.writes += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
  return counter;
}

/** The aggregation alone, over events validated beforehand (untimed). */
function timeFoldOnly(raw: readonly unknown[]): number {
  const parsed: SentinelEvent[] = [];
  raw.forEach((event, index) => {
    const result = parseEvent(event, index);
    if (result.ok) parsed.push(result.event);
  });
  const started = process.hrtime.bigint();
  aggregateEvents(parsed);
  return seconds(started);
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

interface RateFigures {
  events: number;
  aggregationEventsPerSec: number;
  foldOnlyEventsPerSec: number;
  endToEndEventsPerSec: number;
  bucketWrites: number;
  storeWritesReported: number;
  writeRequests: number;
  writesPer1000Events: number;
  seconds: number;
  peakRssMb: number;
}

async function benchRate(perDay: number): Promise<RateFigures> {
  const dynamo = await startLocalDynamo();
  try {
    const table = `bench-${perDay}`;
    await ensureTable(dynamo.client, table);
    const counter = countWrites(dynamo.client);
    const store = new DynamoDbMetricsStore({
      client: dynamo.client,
      tableName: table,
      bucketTtlMs: 35 * DAY_MS,
    });
    let prepareSeconds = 0;
    let foldSeconds = 0;
    let applySeconds = 0;
    let buckets = 0;
    let portWrites = 0;
    for (let from = 0; from < perDay; from += CHUNK) {
      const raw = syntheticChunk(perDay, from, Math.min(CHUNK, perDay - from));

      foldSeconds += timeFoldOnly(raw);

      // What ingest does in process: validate, drop snippets, hash, fold.
      let started = process.hrtime.bigint();
      const prepared = prepareBatch(raw, POLICY, { now: START + 86_400_000 });
      prepareSeconds += seconds(started);
      if (prepared.rejected.length > 0)
        throw new Error(`synthetic events rejected: ${prepared.rejected[0]?.message}`);

      started = process.hrtime.bigint();
      const result = await store.applyBatch(prepared.batchId, prepared.aggregate);
      applySeconds += seconds(started);
      buckets += bucketCount(prepared.aggregate);
      portWrites += result.writes;
    }
    return {
      events: perDay,
      aggregationEventsPerSec: Math.round(perDay / prepareSeconds),
      foldOnlyEventsPerSec: Math.round(perDay / foldSeconds),
      endToEndEventsPerSec: Math.round(perDay / (prepareSeconds + applySeconds)),
      bucketWrites: buckets,
      storeWritesReported: portWrites,
      writeRequests: counter.writes,
      writesPer1000Events: Number(((counter.writes / perDay) * 1000).toFixed(3)),
      seconds: Number((prepareSeconds + applySeconds).toFixed(2)),
      peakRssMb: peakRssMb(),
    };
  } finally {
    await dynamo.stop();
  }
}

export async function benchIngest(): Promise<Record<string, number | string>> {
  const figures: Record<string, number | string> = {};
  for (const [label, perDay] of [
    ['100k', 100_000],
    ['1M', 1_000_000],
  ] as const) {
    const run = await benchRate(perDay);
    for (const [key, value] of Object.entries(run)) figures[`ingest.${label}.${key}`] = value;
    const aggregationRatio = run.aggregationEventsPerSec / TARGET_AGGREGATION_EVENTS_PER_SEC;
    console.log(
      [
        `ingest ${label} events/day (one day, batches of ${CHUNK.toLocaleString('en')}):`,
        `  aggregation (validate + hash + fold) ${fmt(run.aggregationEventsPerSec)} events/s  ` +
          `(${aggregationRatio.toFixed(1)}× the ≥ ${fmt(TARGET_AGGREGATION_EVENTS_PER_SEC)} target)`,
        `  fold only                            ${fmt(run.foldOnlyEventsPerSec)} events/s`,
        `  end-to-end into dynalite             ${fmt(run.endToEndEventsPerSec)} events/s  (${run.seconds} s)`,
        `  store writes                         ${run.writeRequests} requests (${run.bucketWrites} buckets) = ` +
          `${run.writesPer1000Events} per 1,000 events` +
          (perDay === 1_000_000
            ? `  (${(run.writesPer1000Events / TARGET_WRITES_PER_1000_AT_1M).toFixed(2)} of the ≤ ${TARGET_WRITES_PER_1000_AT_1M} budget)`
            : ''),
        `  peak RSS of the process so far       ${run.peakRssMb} MB  (includes dynalite's in-memory table)`,
      ].join('\n'),
    );
  }
  return figures;
}

function fmt(value: number): string {
  return value.toLocaleString('en');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchIngest();
}
