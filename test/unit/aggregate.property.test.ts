import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aggregateEvents,
  type BatchAggregate,
  emptyAggregate,
  mergeAggregates,
  seriesKey,
} from '../../functions/core/aggregate.ts';
import { IMPORTANCE_CLASSES, type SentinelEvent } from '../../functions/core/events.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import { evaluateVersion } from '../../functions/core/triggers/evaluate.ts';
import type { Evaluation } from '../../functions/core/triggers/types.ts';
import { versionKey } from '../../functions/core/version.ts';
import { AT, HOUR, MINUTE, OTHER_VERSION, VERSION } from './trigger-fixtures.ts';

const VERSIONS = [VERSION, OTHER_VERSION] as const;
const importance = fc.constantFrom(...IMPORTANCE_CLASSES);
/** Events spread over 26 h before AT, so some fall outside the 24 h windows. */
const offset = fc.integer({ min: 0, max: 26 * HOUR });
const versionIndex = fc.integer({ min: 0, max: 1 });

const classificationShape = fc.record({
  type: fc.constant('classification' as const),
  versionIndex,
  offset,
  importance,
  otp: fc.boolean(),
  shadow: fc.boolean(),
  error: fc.option(fc.boolean(), { nil: undefined }),
  latencyMs: fc.option(fc.integer({ min: 1, max: 12_000 }), { nil: undefined }),
  // Micro-dollars, so costs have realistic precision.
  costMicroUsd: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
});
const correctionShape = fc.record({
  type: fc.constant('correction' as const),
  versionIndex,
  offset,
  oldImportance: importance,
  newImportance: importance,
});
const gdsShape = fc.record({
  type: fc.constant('gds_report' as const),
  versionIndex,
  offset: fc.integer({ min: 0, max: 9 * 24 * HOUR }),
  tp: fc.nat(300),
  fp: fc.nat(60),
  fn: fc.nat(60),
});

/** Events with unique ids; GDS reports get distinct timestamps, since ties are broken by input order. */
const uniqueEvents = fc
  .array(fc.oneof({ arbitrary: classificationShape, weight: 8 }, correctionShape, gdsShape), {
    maxLength: 300,
  })
  .map((shapes) =>
    shapes.map((shape, index): SentinelEvent => {
      const common = {
        id: `ev-${index}`,
        ts: AT - shape.offset,
        version: VERSIONS[shape.versionIndex] ?? VERSION,
      };
      switch (shape.type) {
        case 'classification':
          return {
            ...common,
            type: 'classification',
            importance: shape.importance,
            otp: shape.otp,
            shadow: shape.shadow,
            ...(shape.error === undefined ? {} : { error: shape.error }),
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
          return {
            ...common,
            ts: AT - shape.offset - index,
            type: 'gds_report',
            dataset: 'gds-1',
            critical: { tp: shape.tp, fp: shape.fp, fn: shape.fn },
          };
      }
    }),
  );

const permutation = <T>(items: readonly T[]) =>
  fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });

/** Events with a shuffled copy of them. */
const shuffledEvents = uniqueEvents.chain((events) => fc.tuple(fc.constant(events), permutation(events)));

/** Events cut into consecutive chunks at random points. */
const chunkedEvents = uniqueEvents.chain((events) =>
  fc
    .uniqueArray(fc.nat(events.length), { maxLength: 8 })
    .map((cuts): [SentinelEvent[], SentinelEvent[][]] => [events, chunk(events, cuts)]),
);

function chunk<T>(items: readonly T[], cuts: readonly number[]): T[][] {
  const points = [0, ...[...cuts].sort((a, b) => a - b), items.length];
  return points.slice(1).map((end, i) => items.slice(points[i], end));
}

/** An aggregate in a canonical order, so that equal contents compare equal. */
function canonical(aggregate: BatchAggregate) {
  return {
    series: [...aggregate.series.values()]
      .map((series) => ({
        ...series,
        buckets: [...series.buckets.values()].sort((a, b) => a.minute - b.minute),
      }))
      .sort((a, b) => a.series.localeCompare(b.series)),
    gdsReports: [...aggregate.gdsReports].sort((a, b) => a.id.localeCompare(b.id)),
    sightings: [...aggregate.sightings.entries()].sort(([a], [b]) => a.localeCompare(b)),
    eventCount: aggregate.eventCount,
    duplicates: aggregate.duplicates,
  };
}

function evaluate(aggregate: BatchAggregate): Evaluation {
  const buckets = [...(aggregate.series.get(seriesKey(VERSION))?.buckets.values() ?? [])];
  return evaluateVersion({
    at: AT,
    version: VERSION,
    buckets,
    gdsReports: aggregate.gdsReports,
    policy: DEFAULT_POLICY,
  });
}

function mergedChunks(chunks: readonly SentinelEvent[][]): BatchAggregate {
  return chunks.reduce((into, part) => mergeAggregates(into, aggregateEvents(part)), emptyAggregate());
}

describe('aggregation properties', () => {
  it('does not depend on the order of events', () => {
    fc.assert(
      fc.property(shuffledEvents, ([events, shuffled]) => {
        expect(canonical(aggregateEvents(shuffled))).toEqual(canonical(aggregateEvents(events)));
      }),
    );
  });

  it('gives the same result when a batch is split into chunks and merged', () => {
    fc.assert(
      fc.property(chunkedEvents, ([events, chunks]) => {
        expect(canonical(mergedChunks(chunks))).toEqual(canonical(aggregateEvents(events)));
      }),
    );
  });

  it('counts a duplicate id once, within a batch and across chunks folded with one id set', () => {
    fc.assert(
      fc.property(
        uniqueEvents.chain((events) =>
          fc.tuple(fc.constant(events), fc.array(fc.constantFrom(...(events.length > 0 ? events : [null])))),
        ),
        ([events, repeats]) => {
          const duplicates = repeats.filter((event): event is SentinelEvent => event !== null);
          const expected = { ...canonical(aggregateEvents(events)), duplicates: duplicates.length };
          expect(canonical(aggregateEvents([...events, ...duplicates]))).toEqual(expected);

          const seen = new Set<string>();
          const folded = aggregateEvents(duplicates, aggregateEvents(events, emptyAggregate(), seen), seen);
          expect(canonical(folded)).toEqual(expected);
        },
      ),
    );
  });

  it('keeps shadow traffic out of the live series and out of sightings', () => {
    fc.assert(
      fc.property(uniqueEvents, (events) => {
        const aggregate = aggregateEvents(events);
        const liveVersions = new Set(
          events.flatMap((e) =>
            e.type === 'classification' && e.shadow !== true ? [versionKey(e.version)] : [],
          ),
        );
        expect(new Set(aggregate.sightings.keys())).toEqual(liveVersions);
        const shadowCount = events.filter((e) => e.type === 'classification' && e.shadow === true).length;
        let shadowClassified = 0;
        for (const series of aggregate.series.values()) {
          if (!series.shadow) continue;
          for (const bucket of series.buckets.values()) shadowClassified += bucket.classified;
        }
        expect(shadowClassified).toBe(shadowCount);
      }),
    );
  });
});

describe('evaluation properties', () => {
  it('gives identical output for shuffled input', () => {
    fc.assert(
      fc.property(shuffledEvents, ([events, shuffled]) => {
        expect(evaluate(aggregateEvents(shuffled))).toEqual(evaluate(aggregateEvents(events)));
      }),
    );
  });

  it('gives identical output for input split into chunks', () => {
    fc.assert(
      fc.property(chunkedEvents, ([events, chunks]) => {
        expect(evaluate(mergedChunks(chunks))).toEqual(evaluate(aggregateEvents(events)));
      }),
    );
  });

  it('always reports the seven runbook triggers and data_freshness, and a decision consistent with them', () => {
    fc.assert(
      fc.property(uniqueEvents, (events) => {
        const evaluation = evaluate(aggregateEvents(events));
        expect(evaluation.triggers).toHaveLength(8);
        const automaticBreach = evaluation.triggers.some(
          (t) => t.kind === 'automatic' && t.outcome === 'breach',
        );
        expect(evaluation.decision === 'rollback').toBe(automaticBreach);
        for (const trigger of evaluation.triggers) {
          if (trigger.value === null) expect(trigger.outcome).toBe('inconclusive');
        }
      }),
    );
  });
});

describe('evaluation window from raw events', () => {
  it('counts an event stamped exactly `at` and drops one stamped exactly `at` − 24 h', () => {
    const critical = (id: string, ts: number): SentinelEvent => ({
      type: 'classification',
      id,
      ts,
      version: VERSION,
      importance: 'critical',
      otp: true,
    });
    const evaluation = evaluate(
      aggregateEvents([
        critical('old', AT - 24 * HOUR),
        critical('new', AT),
        critical('recent', AT - MINUTE + 1),
      ]),
    );
    expect(evaluation.triggers[0]).toMatchObject({ value: 2, samples: 2 });
  });
});
