/**
 * Backtest benchmark: 7 days of traffic at 5,000 and at 1,000,000 emails/day, generated in memory
 * (a bad prompt deployed on day 5 with a latency regression), folded into per-minute buckets, then
 * replayed minute by minute under the default policy. Prints fold throughput (events/s) and replay
 * throughput (minutes replayed per second); only the replay is timed for the latter. Asserts nothing.
 *
 *   npx tsx test/bench/backtest.ts
 */
import { pathToFileURL } from 'node:url';
import { aggregateEvents, emptyAggregate } from '../../functions/core/aggregate.ts';
import type { ClassificationEvent, Importance } from '../../functions/core/events.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import { prepareHistory, replay } from '../../functions/core/prevention/backtest.ts';
import { seededRandom } from '../../functions/local/simulator.ts';

const DAY_MS = 86_400_000;
const START = Date.parse('2026-11-20T00:00:00Z');
const DAYS = 7;
const GOOD = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
const BAD = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v3' };
const CLASSES: Importance[] = ['critical', 'time_sensitive', 'routine'];

/** Events one by one, never all in memory: classifications spread evenly over the 7 days. */
function* traffic(perDay: number, from: number, to: number): Generator<ClassificationEvent> {
  const random = seededRandom(from + 17);
  const gap = DAY_MS / perDay;
  const deploy = START + 5 * DAY_MS;
  for (let i = from; i < to; i++) {
    const ts = START + Math.floor(i * gap);
    const bad = ts >= deploy;
    const r = random();
    yield {
      type: 'classification',
      id: `e-${i}`,
      ts,
      version: bad ? BAD : GOOD,
      importance: CLASSES[r < 0.15 ? 0 : r < 0.4 ? 1 : 2] as Importance,
      otp: false,
      latencyMs: (bad && ts >= deploy + 6 * 3_600_000 ? 3_500 : 400) + random() * 900,
      costUsd: 0.001,
    };
  }
}

interface RateFigures {
  events: number;
  foldEventsPerSec: number;
  foldSeconds: number;
  minutesReplayed: number;
  evaluations: number;
  replaySeconds: number;
  minutesPerSec: number;
  evaluationsPerSec: number;
  firstBreachMinuteOfLatency: number;
}

async function benchRate(perDay: number): Promise<RateFigures> {
  const total = perDay * DAYS;
  const aggregate = emptyAggregate();
  const chunk = 500_000;
  const foldStart = performance.now();
  for (let from = 0; from < total; from += chunk) {
    // ids are unique by construction; a fresh dedupe set per chunk keeps memory bounded
    aggregateEvents(traffic(perDay, from, Math.min(total, from + chunk)), aggregate, new Set());
  }
  const history = prepareHistory(aggregate);
  const foldSeconds = (performance.now() - foldStart) / 1000;
  const replayStart = performance.now();
  const { report } = replay(history, DEFAULT_POLICY, { stepMs: 60_000 });
  const replaySeconds = (performance.now() - replayStart) / 1000;
  return {
    events: total,
    foldEventsPerSec: Math.round(total / foldSeconds),
    foldSeconds: Number(foldSeconds.toFixed(2)),
    minutesReplayed: report.steps,
    evaluations: report.evaluations,
    replaySeconds: Number(replaySeconds.toFixed(3)),
    minutesPerSec: Math.round(report.steps / replaySeconds),
    evaluationsPerSec: Math.round(report.evaluations / replaySeconds),
    firstBreachMinuteOfLatency: Date.parse(
      report.versions.find((v) => v.version.prompt === 'v3')?.triggers.find((t) => t.id === 'latency_p95')
        ?.firstBreach ?? '1970-01-01T00:00:00Z',
    ),
  };
}

export async function benchBacktest(): Promise<Record<string, number | string>> {
  const figures: Record<string, number | string> = {};
  for (const [label, perDay] of [
    ['5k', 5_000],
    ['1M', 1_000_000],
  ] as const) {
    const run = await benchRate(perDay);
    for (const [key, value] of Object.entries(run)) figures[`backtest.${label}.${key}`] = value;
    console.log(
      [
        `backtest 7 days at ${label} emails/day (${run.events.toLocaleString('en')} events):`,
        `  fold into minute buckets   ${run.foldEventsPerSec.toLocaleString('en')} events/s (${run.foldSeconds} s)`,
        `  replay, 1 min steps        ${run.minutesPerSec.toLocaleString('en')} minutes/s ` +
          `(${run.minutesReplayed.toLocaleString('en')} minutes, ${run.evaluations.toLocaleString('en')} version evaluations in ${run.replaySeconds} s)`,
        `  latency breach of v3 at    ${run.firstBreachMinuteOfLatency === 0 ? 'never' : new Date(run.firstBreachMinuteOfLatency).toISOString()}`,
      ].join('\n'),
    );
  }
  return figures;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchBacktest();
}
