import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateEvents, seriesKey } from '../../../functions/core/aggregate.ts';
import { IMPORTANCE_CLASSES, type SentinelEvent } from '../../../functions/core/events.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../../functions/core/policy.ts';
import { buildTimeline, IncrementalEvaluator } from '../../../functions/core/prevention/incremental.ts';
import { evaluateVersion } from '../../../functions/core/triggers/evaluate.ts';
import { AT, HOUR, MINUTE, OTHER_VERSION, VERSION } from '../trigger-fixtures.ts';

const VERSIONS = [VERSION, OTHER_VERSION] as const;
const START = AT - 6 * HOUR;

/** Short windows and low guards, so that a few hours of random traffic cross every threshold. */
const TIGHT = parsePolicy({
  triggers: {
    otp_in_critical: { window: '30m' },
    critical_precision: { maxReportAge: '2h', minSamples: 5 },
    critical_recall: { maxReportAge: '3h', minSamples: 5 },
    fp_budget: { window: '1h', minEmails: 10, breachAbovePer100: 8 },
    latency_p95: {
      window: '45m',
      warningAboveMinutes: 2,
      breachAboveMinutes: 5,
      rollingWindow: '3m',
      minSamplesPerWindow: 4,
      minSamplesPerMinute: 2,
    },
    cost_spike: { window: '90m', minEmails: 10 },
    distribution_drift: { window: '20m', minEmails: 15 },
  },
});

/** The seed's per-minute reading: no rolling window for the trigger window to cut short. */
const ONE_MINUTE = parsePolicy({
  triggers: {
    latency_p95: {
      window: '2h',
      warningAboveMinutes: 2,
      breachAboveMinutes: 4,
      rollingWindow: '1m',
      minSamplesPerWindow: 2,
      minSamplesPerMinute: 2,
    },
  },
});

const offset = fc.integer({ min: 0, max: 5 * HOUR });
const event = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      type: fc.constant('classification' as const),
      v: fc.integer({ min: 0, max: 1 }),
      offset,
      importance: fc.constantFrom(...IMPORTANCE_CLASSES),
      otp: fc.boolean(),
      shadow: fc.boolean(),
      // 2990 and 3000 share a histogram bin with 3010: only the exact counts tell them apart.
      latencyMs: fc.option(fc.constantFrom<number>(400, 900, 2900, 2990, 3000, 3010, 5000, 12_000), {
        nil: undefined,
      }),
      costMicroUsd: fc.option(fc.integer({ min: 0, max: 4000 }), { nil: undefined }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('correction' as const),
      v: fc.integer({ min: 0, max: 1 }),
      offset,
      oldImportance: fc.constantFrom(...IMPORTANCE_CLASSES),
      newImportance: fc.constantFrom(...IMPORTANCE_CLASSES),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('gds_report' as const),
      v: fc.integer({ min: 0, max: 1 }),
      offset,
      tp: fc.nat(60),
      fp: fc.nat(12),
      fn: fc.nat(12),
    }),
  },
);

/** Runs of consecutive minutes with a few equally slow (or fast) classifications each: latency streaks. */
const burst = fc.record({
  v: fc.integer({ min: 0, max: 1 }),
  startMinute: fc.integer({ min: 0, max: 5 * 60 }),
  minutes: fc.integer({ min: 1, max: 12 }),
  perMinute: fc.integer({ min: 1, max: 4 }),
  latencyMs: fc.constantFrom<number>(800, 3000, 3500, 6000),
});

const history = fc
  .tuple(fc.array(event, { minLength: 1, maxLength: 300 }), fc.array(burst, { maxLength: 6 }))
  .map(([shapes, bursts]) => [...shapes, ...bursts.flatMap(expandBurst)].map(toEvent));

type Shape = typeof event extends fc.Arbitrary<infer T> ? T : never;

function expandBurst(run: typeof burst extends fc.Arbitrary<infer T> ? T : never): Shape[] {
  return Array.from({ length: run.minutes * run.perMinute }, (_, i) => ({
    type: 'classification' as const,
    v: run.v,
    offset: (run.startMinute + Math.floor(i / run.perMinute)) * MINUTE + (i % run.perMinute) * 1000,
    importance: 'routine' as const,
    otp: false,
    shadow: false,
    latencyMs: run.latencyMs,
    costMicroUsd: undefined,
  }));
}

function toEvent(shape: Shape, index: number): SentinelEvent {
  {
    const common = { id: `ev-${index}`, ts: START + shape.offset, version: VERSIONS[shape.v] ?? VERSION };
    switch (shape.type) {
      case 'classification':
        return {
          ...common,
          type: 'classification',
          importance: shape.importance,
          otp: shape.otp,
          shadow: shape.shadow,
          ...(shape.latencyMs === undefined ? {} : { latencyMs: shape.latencyMs }),
          ...(shape.costMicroUsd === undefined ? {} : { costUsd: shape.costMicroUsd / 1e6 }),
        };
      case 'correction':
        return {
          ...common,
          type: 'correction',
          emailId: `email-${index}`,
          oldImportance: shape.oldImportance,
          newImportance: shape.newImportance,
        };
      default:
        // distinct report timestamps: ties are broken by input order, which the replay keeps too
        return {
          ...common,
          ts: common.ts + index,
          type: 'gds_report',
          dataset: 'gds-1',
          critical: { tp: shape.tp, fp: shape.fp, fn: shape.fn },
        };
    }
  }
}

/** Instants to compare at: mostly whole minutes, some in the middle of one, some outside the data. */
const instants = fc.array(
  fc.oneof(
    fc.integer({ min: -20, max: 6 * 60 }).map((m) => START + m * MINUTE),
    fc.integer({ min: -20 * MINUTE, max: 6 * HOUR }).map((ms) => START + ms),
  ),
  { minLength: 1, maxLength: 25 },
);

describe('incremental evaluation (backtest) equals evaluateVersion', () => {
  for (const [name, policy] of [
    ['tight windows', TIGHT],
    ['default policy', DEFAULT_POLICY],
    ['one-minute windows', ONE_MINUTE],
    ['sequential statistics', parsePolicy({ statistics: { mode: 'sequential' } })],
    ['latency burn rate', parsePolicy({ triggers: { latency_p95: { mode: 'burn_rate' } } })],
  ] as const) {
    it(`gives identical trigger results at sampled instants (${name})`, () => {
      fc.assert(
        fc.property(history, instants, (events, ats) => {
          const aggregate = aggregateEvents(events);
          for (const version of VERSIONS) {
            const series = aggregate.series.get(seriesKey(version));
            if (!series) continue;
            const timeline = buildTimeline(series);
            expect(timeline).toBeDefined();
            if (!timeline) continue;
            const incremental = new IncrementalEvaluator(timeline, aggregate.gdsReports, policy);
            const buckets = [...series.buckets.values()];
            for (const at of ats) {
              const full = evaluateVersion({
                at,
                version,
                buckets: buckets.filter((bucket) => bucket.minute <= at),
                gdsReports: aggregate.gdsReports.filter((report) => report.ts <= at),
                policy,
              });
              expect(incremental.evaluate(at)).toEqual(full);
            }
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it('is not trivially equal: the tight policy reaches every outcome somewhere', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(history, instants, (events, ats) => {
        const aggregate = aggregateEvents(events);
        const series = aggregate.series.get(seriesKey(VERSION));
        const timeline = series && buildTimeline(series);
        if (!timeline) return;
        const incremental = new IncrementalEvaluator(timeline, aggregate.gdsReports, TIGHT);
        for (const at of ats) {
          for (const result of incremental.evaluate(at).triggers) seen.add(`${result.id}:${result.outcome}`);
        }
      }),
      { numRuns: 150, seed: 7 },
    );
    for (const expected of [
      'otp_in_critical:ok',
      'otp_in_critical:breach',
      'critical_precision:breach',
      'critical_precision:ok',
      'latency_p95:ok',
      'latency_p95:breach',
      'distribution_drift:breach',
      'fp_budget:breach',
      'cost_spike:inconclusive',
    ]) {
      expect(seen).toContain(expected);
    }
    expect(seen).toContain('latency_p95:warning');
  });
});
