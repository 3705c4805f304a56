import { describe, expect, it } from 'vitest';
import { MemoryMetricsStore } from '../../functions/adapters/memory-metrics-store.ts';
import { aggregateEvents, emptyAggregate } from '../../functions/core/aggregate.ts';
import { loadEvaluationInput } from '../../functions/core/evaluation-input.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../functions/core/policy.ts';
import { wilsonInterval } from '../../functions/core/statistics/wilson.ts';
import {
  evaluateCostSpike,
  evaluateCriticalPrecision,
  evaluateCriticalRecall,
  evaluateDistributionDrift,
  evaluateFpBudget,
  evaluateVersion,
} from '../../functions/core/triggers/index.ts';
import {
  AT,
  bucketAt,
  classification,
  correction,
  DAY,
  gdsReport,
  input,
  MINUTE,
  times,
  VERSION,
  withPolicy,
} from './trigger-fixtures.ts';

const sequential = withPolicy((p) => {
  p.statistics.mode = 'sequential';
});

describe('intervals (threshold mode, the default)', () => {
  it('fp_budget carries the Wilson interval per 100 emails, in the field and the reason', () => {
    const result = evaluateFpBudget(input({ buckets: [bucketAt(0, { routine: 200, criticalFp: 12 })] }));
    const [lo, hi] = wilsonInterval(12, 200, 0.95);
    expect(result.outcome).toBe('breach');
    expect(result.interval?.[0]).toBeCloseTo(lo * 100, 6);
    expect(result.interval?.[1]).toBeCloseTo(hi * 100, 6);
    expect(result.reason).toBe(
      `6.00 critical false positives per 100 emails > 5 (12 of 200 classified in 24h; 95 % CI ${(lo * 100).toFixed(1)}–${(hi * 100).toFixed(1)})`,
    );
  });

  it('precision and recall carry the interval of tp/(tp+errors)', () => {
    const report = gdsReport({ tp: 171, fp: 28, fn: 21 });
    const precision = evaluateCriticalPrecision(input({ gdsReports: [report] }));
    const recall = evaluateCriticalRecall(input({ gdsReports: [report] }));
    expect(precision.interval?.[0]).toBeCloseTo(wilsonInterval(171, 199, 0.95)[0], 6);
    expect(recall.interval?.[1]).toBeCloseTo(wilsonInterval(171, 192, 0.95)[1], 6);
  });

  it('drift carries the interval of |drift| in pp and the worst class share in the reason', () => {
    const result = evaluateDistributionDrift(
      input({ buckets: [bucketAt(0, { critical: 62, time_sensitive: 50, routine: 88 })] }),
    );
    const [lo, hi] = wilsonInterval(62, 200, 0.95);
    expect(result.interval?.[0]).toBeCloseTo(lo * 100 - 15, 6);
    expect(result.interval?.[1]).toBeCloseTo(hi * 100 - 15, 6);
    expect(result.reason).toContain(`95 % CI critical ${(lo * 100).toFixed(1)}–${(hi * 100).toFixed(1)}%`);
  });

  it('follows statistics.confidence and leaves the count and cost triggers without one', () => {
    const policy = withPolicy((p) => {
      p.statistics.confidence = 0.8;
    });
    const buckets = [bucketAt(0, { routine: 200, criticalFp: 6, costUsd: 0.001 })];
    const result = evaluateFpBudget(input({ policy, buckets }));
    expect(result.reason).toContain('80 % CI');
    expect(result.interval?.[0]).toBeCloseTo(wilsonInterval(6, 200, 0.8)[0] * 100, 6);
    const evaluation = evaluateVersion(input({ buckets }));
    for (const id of ['otp_in_critical', 'latency_p95', 'cost_spike'] as const) {
      expect(evaluation.triggers.find((t) => t.id === id)).not.toHaveProperty('interval');
    }
    expect(evaluateCostSpike(input({ buckets }))).not.toHaveProperty('interval');
  });
});

describe('sequential mode', () => {
  it.each([
    // 20 of 100: log-LR 7.2 ≥ ln A 5.65 (floor met) — before the 100-email guard of threshold mode.
    { name: 'a clear regression breaches early', fp: 20, emails: 100, outcome: 'breach' },
    { name: 'a healthy rate is accepted', fp: 3, emails: 200, outcome: 'ok' },
    { name: 'too little evidence either way', fp: 2, emails: 40, outcome: 'inconclusive' },
    { name: 'undecided past half the cap warns', fp: 11, emails: 160, outcome: 'warning' },
    { name: 'the floor: 2 bad events cannot breach', fp: 2, emails: 10, outcome: 'inconclusive' },
  ] as const)('fp_budget: $name ($fp of $emails)', ({ fp, emails, outcome }) => {
    const result = evaluateFpBudget(
      input({ policy: sequential, buckets: [bucketAt(0, { routine: emails, criticalFp: fp })] }),
    );
    expect(result).toMatchObject({ outcome, threshold: 5, samples: emails, value: (fp * 100) / emails });
    expect(result.reason).toMatch(/SPRT 5 per 100 vs 10 per 100 \(α 0\.33 %, β 5 %\): log-LR -?\d+\.\d\d/);
  });

  it('fp_budget: the SPRT runs on the counts since first traffic, not the 24 h window', () => {
    // Day 1 at 10 per 100 (outside the window), then 8 of 100: the window alone is undecided
    // (log-LR 0.57), the version's 38 of 400 accept H1 (log-LR 6.77 ≥ ln A 5.65).
    const buckets = [
      bucketAt(36 * 60, { routine: 300, criticalFp: 30 }),
      bucketAt(0, { routine: 100, criticalFp: 8 }),
    ];
    const result = evaluateFpBudget(input({ policy: sequential, buckets }));
    expect(result).toMatchObject({ outcome: 'breach', samples: 100, value: 8 });
    expect(result.reason).toContain('8 of 100 classified in 24h');
    expect(result.reason).toContain('since first traffic 2026-11-26T00:00Z: 38 of 400;');
    expect(result.reason).toMatch(/log-LR 6\.77 ≥ ln A 5\.65, accept H1/);
  });

  it('fp_budget: a window that alone would accept H1 after a healthy past only warns', () => {
    // 10 of 300 earlier, then 24 of 200 in the window: the window's log-LR 7.1 ≥ ln A, but the
    // version's 34 of 500 reach the cap with the 99 % upper bound below 10 per 100.
    const buckets = [
      bucketAt(30 * 60, { routine: 300, criticalFp: 10 }),
      bucketAt(0, { routine: 200, criticalFp: 24 }),
    ];
    const result = evaluateFpBudget(input({ policy: sequential, buckets }));
    expect(result).toMatchObject({ outcome: 'warning', samples: 200, value: 12 });
    expect(result.reason).toContain('since first traffic 2026-11-26T06:00Z: 34 of 500;');
    expect(result.reason).toMatch(/the 24h window alone would accept H1 \(log-LR 7\.\d\d\), a warning/);
    // Threshold mode is unchanged: the window's 12 per 100 breaches.
    expect(evaluateFpBudget(input({ buckets })).outcome).toBe('breach');
  });

  it('fp_budget: the loader-provided sinceFirstSeen sums take precedence over the buckets', () => {
    const result = evaluateFpBudget(
      input({
        policy: sequential,
        buckets: [bucketAt(0, { routine: 100, criticalFp: 8 })],
        sinceFirstSeen: { from: AT - 3 * DAY, classified: 400, criticalFp: 38 },
      }),
    );
    expect(result.outcome).toBe('breach');
    expect(result.reason).toContain('since first traffic 2026-11-24T12:00Z: 38 of 400;');
  });

  it('the loader sums fp_budget since the first live traffic in sequential mode only', async () => {
    const store = new MemoryMetricsStore();
    // 3 days: every 37 minutes an email, every 5th email a critical false positive.
    const events = times(
      Math.floor((3 * DAY) / (37 * MINUTE)),
      (i) => AT - 3 * DAY + 30 * MINUTE + i * 37 * MINUTE,
    );
    const batch = [
      ...events.map((ts) => classification({ ts })),
      ...events.filter((_, i) => i % 5 === 0).map((ts) => correction('critical', 'routine', ts)),
    ];
    await store.applyBatch('b', aggregateEvents(batch, emptyAggregate()));
    const loaded = await loadEvaluationInput(store, sequential, AT, VERSION);
    expect(loaded.sinceFirstSeen).toEqual({
      from: AT - 3 * DAY + 30 * MINUTE,
      classified: events.length,
      criticalFp: Math.ceil(events.length / 5),
    });
    expect(evaluateFpBudget(loaded).reason).toContain(
      `since first traffic 2026-11-24T12:30Z: ${Math.ceil(events.length / 5)} of ${events.length};`,
    );
    expect((await loadEvaluationInput(store, DEFAULT_POLICY, AT, VERSION)).sinceFirstSeen).toBeUndefined();
  });

  it('says how many more samples it needs while undecided', () => {
    const result = evaluateFpBudget(
      input({ policy: sequential, buckets: [bucketAt(0, { routine: 40, criticalFp: 2 })] }),
    );
    expect(result.reason).toMatch(
      /between ln B -2\.99 and ln A 5\.65, ~\d+ more emails to decide at this rate/,
    );
  });

  it('judges a GDS report by its counts: 160 tp, 40 fp is far enough below 0.90', () => {
    const result = evaluateCriticalPrecision(
      input({ policy: sequential, gdsReports: [gdsReport({ tp: 160, fp: 40, fn: 0 })] }),
    );
    expect(result).toMatchObject({ outcome: 'breach', threshold: 0.9, value: 0.8 });
    expect(result.reason).toContain('SPRT precision 0.9 vs precision 0.85');
  });

  it('drift: past the pp line but not significant is a warning; significant breaches with G and p', () => {
    const small = [bucketAt(0, { critical: 14, time_sensitive: 12, routine: 34 })]; // 60 emails, +8.3 pp
    const smallPolicy = withPolicy((p) => {
      p.statistics.mode = 'sequential';
      p.triggers.distribution_drift.minEmails = 50;
      p.triggers.distribution_drift.breachAbovePp = 8;
    });
    const weak = evaluateDistributionDrift(input({ policy: smallPolicy, buckets: small }));
    expect(weak.outcome).toBe('warning');
    expect(weak.reason).toMatch(/G = \d+\.\d \(2 df\), p = [\d.]+ ≥ 0\.01, not significant/);
    const strong = evaluateDistributionDrift(
      input({
        policy: sequential,
        buckets: [bucketAt(0, { critical: 62, time_sensitive: 50, routine: 88 })],
      }),
    );
    expect(strong.outcome).toBe('breach');
    expect(strong.reason).toMatch(/\+16\.0 pp\) > 10 pp, G = \d+\.\d \(2 df\), p = .+ < 0\.01/);
  });

  it('threshold mode does not run the G-test', () => {
    const result = evaluateDistributionDrift(
      input({ buckets: [bucketAt(0, { critical: 62, time_sensitive: 50, routine: 88 })] }),
    );
    expect(result.reason).not.toContain('G =');
  });
});

describe('statistics policy', () => {
  it('defaults to the runbook (threshold mode) at 95 %', () => {
    expect(DEFAULT_POLICY.statistics).toMatchObject({
      confidence: 0.95,
      mode: 'threshold',
      driftPValue: 0.01,
    });
    expect(DEFAULT_POLICY.statistics.sequential).toMatchObject({
      alpha: 0.01,
      beta: 0.05,
      minLabels: 30,
      minBadEvents: 3,
      maxLabels: 300,
      capConfidence: 0.99,
      fp_budget: { p0: 0.05, p1: 0.1 },
      critical_precision: { p0: 0.1, p1: 0.15 },
      critical_recall: { p0: 0.2, p1: 0.25 },
    });
  });

  it.each([
    [{ sequential: { alpha: 0.5 } }, 'statistics.sequential.alpha: must be < 0.5'],
    [{ sequential: { alpha: 0 } }, 'statistics.sequential.alpha: must be > 0'],
    [
      { sequential: { fp_budget: { p0: 0.1, p1: 0.05 } } },
      'statistics.sequential.fp_budget.p1: p0 must be < p1',
    ],
    [
      { sequential: { minLabels: 400 } },
      'statistics.sequential.minLabels: minLabels (the floor) must be ≤ maxLabels',
    ],
    [{ confidence: 0.5 }, 'statistics.confidence: must be > 0.5'],
    [{ confidence: 1 }, 'statistics.confidence: must be < 1'],
    [{ mode: 'bayesian' }, 'statistics.mode'],
  ])('refuses %j', (statistics, message) => {
    expect(() => parsePolicy({ statistics })).toThrow(message);
  });
});
