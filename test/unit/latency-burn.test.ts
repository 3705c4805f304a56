import { describe, expect, it } from 'vitest';
import { MemoryMetricsStore } from '../../functions/adapters/memory-metrics-store.ts';
import { aggregateEvents, emptyAggregate } from '../../functions/core/aggregate.ts';
import type { MinuteBucket } from '../../functions/core/buckets.ts';
import { loadEvaluationInput } from '../../functions/core/evaluation-input.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../functions/core/policy.ts';
import { evaluateLatencyP95 } from '../../functions/core/triggers/index.ts';
import { burnRate } from '../../functions/core/triggers/latency-burn.ts';
import {
  AT,
  bucketAt,
  classification,
  input,
  MINUTE,
  times,
  VERSION,
  withPolicy,
} from './trigger-fixtures.ts';

const burn = withPolicy((p) => {
  p.triggers.latency_p95.mode = 'burn_rate';
});

/** `minutes` minute buckets ending at AT, 10 samples each; `slow(m)` of them above 3000 ms at m minutes ago. */
function traffic(minutes: number, slow: (minutesAgo: number) => number): MinuteBucket[] {
  return times(minutes, (ago) =>
    bucketAt(ago, { latenciesMs: times(10, (i) => (i < slow(ago) ? 4000 : 500)) }),
  );
}

describe('latency_p95 mode: burn_rate (SRE workbook multiwindow alert)', () => {
  it('burn rate is the over-threshold share over the error budget', () => {
    expect(burnRate({ samples: 600, over: 60 }, 0.99)).toBeCloseTo(10, 9);
    expect(burnRate({ samples: 0, over: 0 }, 0.99)).toBeNull();
  });

  it('pages (breach) when 1 h and 5 min both burn at ≥ 14.4×', () => {
    // 2 of 10 above 3 s every minute for an hour: 20× in every window.
    const result = evaluateLatencyP95(input({ policy: burn, buckets: traffic(60, () => 2) }));
    expect(result).toMatchObject({
      outcome: 'breach',
      value: 20,
      threshold: 14.4,
      warningThreshold: 1,
      samples: 600,
    });
    expect(result.reason).toMatch(/^error budget burning at ≥ 14\.4× over 1h and 5m \(page\)/);
    expect(result.reason).toContain('SLO 99 % of requests ≤ 3000 ms');
    expect(result.reason).toContain('1h 20.00× & 5m 20.00× ≥ 14.4×');
  });

  it('a burst that has stopped does not page; the 3 d / 6 h budget burn opens a ticket (warning)', () => {
    // Slow 30–59 minutes ago, fast since: 1 h at 10× < 14.4, 30 min at 0× < 6; 3 d and 6 h at 10× ≥ 1.
    const result = evaluateLatencyP95(
      input({ policy: burn, buckets: traffic(60, (ago) => (ago >= 30 ? 2 : 0)) }),
    );
    expect(result).toMatchObject({ outcome: 'warning', value: 10 });
    expect(result.reason).toMatch(/^error budget burning at ≥ 1× over 3d and 6h \(ticket\)/);
    expect(result.reason).toContain('1h 10.00× & 5m 0.00× vs 14.4×');
    expect(result.reason).toContain('6h 10.00× & 30m 0.00× vs 6×');
  });

  it('is ok within budget, and inconclusive when no short window holds the minimum samples', () => {
    const fast = evaluateLatencyP95(input({ policy: burn, buckets: traffic(60, () => 0) }));
    expect(fast).toMatchObject({ outcome: 'ok', value: 0 });
    expect(fast.reason).toMatch(/^no burn-rate rule fires/);
    const thin = evaluateLatencyP95(
      input({ policy: burn, buckets: [bucketAt(0, { latenciesMs: [4000, 4000, 4000] })] }),
    );
    expect(thin).toMatchObject({ outcome: 'inconclusive', value: 100, samples: 3 });
    expect(thin.reason).toMatch(/^not enough data: no burn-rate short window holds 20 or more/);
  });

  it('needs the minimum samples in the short window before a rule fires', () => {
    // The last 5 minutes hold 10 samples, all slow; before them, fast traffic.
    const buckets = [
      ...times(5, (ago) => bucketAt(ago, { latenciesMs: [4000, 4000] })),
      ...traffic(60, () => 0).slice(5),
    ];
    const result = evaluateLatencyP95(input({ policy: burn, buckets }));
    expect(result.reason).toContain('(short window < 20 samples)');
    expect(result.outcome).not.toBe('breach');
  });

  it('the default streak mode is unchanged', () => {
    expect(DEFAULT_POLICY.triggers.latency_p95.mode).toBe('streak');
    const buckets = traffic(60, () => 2);
    const streak = evaluateLatencyP95(input({ buckets }));
    expect(streak.reason).toMatch(/^p95 above 3000 ms for 59 consecutive minutes > 30/);
  });

  it('the loader reads the 3 d ticket window, as rollups, in burn_rate mode', async () => {
    const store = new MemoryMetricsStore();
    // One slow request an hour for 3 days (and a fast one): 50 % over 3 d, nothing in the last 6 h.
    const events = times(72, (h) => h)
      .filter((h) => h >= 6)
      .flatMap((h) => [
        classification({ ts: AT - h * 60 * MINUTE, latencyMs: 4000 }),
        classification({ ts: AT - h * 60 * MINUTE, latencyMs: 100 }),
      ]);
    await store.applyBatch('b', aggregateEvents(events, emptyAggregate()));
    const loaded = await loadEvaluationInput(store, burn, AT, VERSION);
    const result = evaluateLatencyP95(loaded);
    expect(result.reason).toContain('3d 50.00× & 6h —');
    expect(loaded.latencyMinutes).toBeUndefined();
  });

  it('validates the rules', () => {
    expect(() =>
      parsePolicy({
        triggers: {
          latency_p95: { burnRate: { page: [{ longWindow: '5m', shortWindow: '1h', factor: 2 }] } },
        },
      }),
    ).toThrow(/triggers\.latency_p95\.burnRate\.page\.0\.shortWindow: shortWindow must be ≤ longWindow/);
    expect(
      parsePolicy({ triggers: { latency_p95: { mode: 'burn_rate' } } }).triggers.latency_p95.burnRate,
    ).toEqual({
      objective: 0.99,
      minSamplesPerShortWindow: 20,
      page: [
        { longWindow: '1h', shortWindow: '5m', factor: 14.4 },
        { longWindow: '6h', shortWindow: '30m', factor: 6 },
      ],
      ticket: [{ longWindow: '3d', shortWindow: '6h', factor: 1 }],
    });
  });
});
