/**
 * Evaluation benchmark: the seven triggers over a 24 h window read from dynalite, at 5,000 and
 * at 1,000,000 emails/day. Evaluation reads per-minute buckets, not events, so both rates should
 * cost about the same. Prints figures and ratios to the 100 ms target; asserts nothing.
 *
 *   npx tsx test/bench/evaluate.ts
 */
import { pathToFileURL } from 'node:url';
import { DynamoDbMetricsStore } from '../../functions/adapters/dynamodb-metrics-store.ts';
import { aggregateEvents, emptyAggregate } from '../../functions/core/aggregate.ts';
import { loadEvaluationInput } from '../../functions/core/evaluation-input.ts';
import type { ClassificationEvent, Importance } from '../../functions/core/events.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import { evaluateVersion } from '../../functions/core/triggers/evaluate.ts';
import { ensureTable, startLocalDynamo } from '../../functions/local/dynalite.ts';
import { seededRandom } from '../../functions/local/simulator.ts';

const DAY_MS = 86_400_000;
const AT = Date.parse('2026-11-28T00:00:00Z');
const TARGET_MS = 100;
const RUNS = 15;
const CLASSES: Importance[] = ['critical', 'time_sensitive', 'routine'];

/** A day of already-validated classifications: this bench measures reading and judging, not parsing. */
function* day(perDay: number, version: ClassificationEvent['version']): Generator<ClassificationEvent> {
  const random = seededRandom(perDay);
  const step = DAY_MS / perDay;
  for (let index = 0; index < perDay; index += 1) {
    const roll = random();
    yield {
      type: 'classification',
      id: `e-${index}`,
      ts: AT - DAY_MS + Math.floor(index * step),
      version,
      importance: CLASSES[roll < 0.15 ? 0 : roll < 0.4 ? 1 : 2] as Importance,
      otp: false,
      latencyMs: 300 + random() * 2500,
      costUsd: 0.001,
    };
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function benchEvaluate(): Promise<Record<string, number | string>> {
  const dynamo = await startLocalDynamo();
  const figures: Record<string, number | string> = {};
  try {
    await ensureTable(dynamo.client, 'bench');
    const store = new DynamoDbMetricsStore({
      client: dynamo.client,
      tableName: 'bench',
      bucketTtlMs: 35 * DAY_MS,
    });
    for (const [label, perDay] of [
      ['5k', 5_000],
      ['1M', 1_000_000],
    ] as const) {
      const version = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: `bench-${label}` };
      await store.applyBatch(`bench-${label}`, aggregateEvents(day(perDay, version), emptyAggregate()));
      const timings: number[] = [];
      let buckets = 0;
      for (let run = 0; run < RUNS; run += 1) {
        const started = process.hrtime.bigint();
        const input = await loadEvaluationInput(store, DEFAULT_POLICY, AT, version);
        evaluateVersion(input);
        timings.push(Number(process.hrtime.bigint() - started) / 1e6);
        buckets = input.buckets.length + (input.latencyMinutes?.length ?? 0);
      }
      const ms = median(timings);
      figures[`evaluate.${label}.medianMs`] = Number(ms.toFixed(1));
      figures[`evaluate.${label}.buckets`] = buckets;
      console.log(
        `evaluate 24 h at ${label} emails/day: median ${ms.toFixed(1)} ms over ${RUNS} runs ` +
          `(${buckets} buckets read, rollups + minutes; ${(ms / TARGET_MS).toFixed(2)} of the ≤ ${TARGET_MS} ms target)`,
      );
    }
    const ratio = Number(figures['evaluate.1M.medianMs']) / Number(figures['evaluate.5k.medianMs']);
    figures['evaluate.1MOver5kRatio'] = Number(ratio.toFixed(2));
    console.log(
      `evaluate 1M/day ÷ 5k/day time ratio: ${ratio.toFixed(2)} (buckets, not events, set the cost)`,
    );
  } finally {
    await dynamo.stop();
  }
  return figures;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchEvaluate();
}
