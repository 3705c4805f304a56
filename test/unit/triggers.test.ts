import { describe, expect, it } from 'vitest';
import type { Confusion } from '../../functions/core/events.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import { evaluateCostSpike } from '../../functions/core/triggers/cost-spike.ts';
import { evaluateCriticalPrecision } from '../../functions/core/triggers/critical-precision.ts';
import { evaluateCriticalRecall } from '../../functions/core/triggers/critical-recall.ts';
import { evaluateDataFreshness } from '../../functions/core/triggers/data-freshness.ts';
import { decide } from '../../functions/core/triggers/decide.ts';
import { evaluateDistributionDrift } from '../../functions/core/triggers/distribution-drift.ts';
import { evaluateVersion } from '../../functions/core/triggers/evaluate.ts';
import { evaluateFpBudget } from '../../functions/core/triggers/fp-budget.ts';
import { evaluateLatencyP95 } from '../../functions/core/triggers/latency-p95.ts';
import { evaluateOtpInCritical } from '../../functions/core/triggers/otp-in-critical.ts';
import {
  type Decision,
  type Outcome,
  TRIGGER_IDS,
  type TriggerKind,
  type TriggerResult,
} from '../../functions/core/triggers/types.ts';
import {
  AT,
  bucketAt,
  bucketsOf,
  classification,
  correction,
  DAY,
  gdsReport,
  HOUR,
  input,
  MINUTE,
  OTHER_VERSION,
  type Traffic,
  times,
  withPolicy,
} from './trigger-fixtures.ts';

const SLOW = [3500, 3500, 3500, 3500, 3500];
const FAST = [400, 400, 400, 400, 400];
const THIN_FAST = [400, 400, 400, 400];

/** `count` consecutive minutes of the same traffic, the newest `startMinutesAgo` before AT. */
function minutes(count: number, traffic: Traffic, startMinutesAgo = 0) {
  return times(count, (i) => bucketAt(startMinutesAgo + i, traffic));
}

describe('otp_in_critical', () => {
  it.each([
    { name: 'no OTP in critical', otp: 0, outcome: 'ok', value: 0 },
    { name: 'one OTP in critical is already a breach', otp: 1, outcome: 'breach', value: 1 },
    { name: 'three OTP messages', otp: 3, outcome: 'breach', value: 3 },
  ] as const)('$name', ({ otp, outcome, value }) => {
    const result = evaluateOtpInCritical(
      input({ buckets: [bucketAt(5, { critical: 10, otpCritical: otp, routine: 90 })] }),
    );
    expect(result).toMatchObject({ id: 'otp_in_critical', kind: 'automatic', outcome, value });
    expect(result).toMatchObject({ threshold: 0, warningThreshold: null, samples: 100, window: '24h' });
  });

  it('names the count in the reason', () => {
    const result = evaluateOtpInCritical(input({ buckets: [bucketAt(1, { critical: 5, otpCritical: 3 })] }));
    expect(result.reason).toContain('3 critical emails were OTP messages');
  });

  it('has no minimum: a single classified email that is an OTP in critical breaches', () => {
    const result = evaluateOtpInCritical(input({ buckets: [bucketAt(0, { critical: 1, otpCritical: 1 })] }));
    expect(result).toMatchObject({ outcome: 'breach', value: 1, samples: 1 });
  });

  it('is inconclusive with a null value when nothing was classified', () => {
    expect(evaluateOtpInCritical(input())).toMatchObject({
      outcome: 'inconclusive',
      value: null,
      samples: 0,
    });
  });

  it('counts only OTP messages classified critical (a routine OTP email is the right answer)', () => {
    const buckets = bucketsOf([classification({ importance: 'routine', otp: true })]);
    expect(evaluateOtpInCritical(input({ buckets }))).toMatchObject({ outcome: 'ok', value: 0 });
  });

  it.each([
    { breachAbove: 2, otp: 2, outcome: 'ok' },
    { breachAbove: 2, otp: 3, outcome: 'breach' },
  ] as const)(
    'takes its threshold from the policy ($otp vs > $breachAbove)',
    ({ breachAbove, otp, outcome }) => {
      const policy = withPolicy((p) => {
        p.triggers.otp_in_critical.breachAbove = breachAbove;
      });
      const result = evaluateOtpInCritical(
        input({ policy, buckets: [bucketAt(0, { critical: otp, otpCritical: otp })] }),
      );
      expect(result).toMatchObject({ outcome, threshold: breachAbove });
    },
  );

  it.each([
    { name: 'a bucket starting exactly 24 h before `at` is outside', minutesAgo: 24 * 60, value: 0 },
    { name: 'a bucket starting 23 h 59 min before `at` is inside', minutesAgo: 24 * 60 - 1, value: 1 },
    { name: 'the bucket starting at `at` is inside', minutesAgo: 0, value: 1 },
    { name: 'a bucket after `at` is outside', minutesAgo: -1, value: 0 },
  ])('window edge: $name', ({ minutesAgo, value }) => {
    const buckets = [bucketAt(10, { routine: 10 }), bucketAt(minutesAgo, { critical: 1, otpCritical: 1 })];
    expect(evaluateOtpInCritical(input({ buckets })).value).toBe(value);
  });

  it('window edge on raw events: ts exactly at − 24 h is out, ts exactly at is in', () => {
    const events = [
      classification({ ts: AT - DAY, importance: 'critical', otp: true }),
      classification({ ts: AT - DAY + MINUTE, importance: 'routine' }),
      classification({ ts: AT, importance: 'critical', otp: true }),
    ];
    expect(evaluateOtpInCritical(input({ buckets: bucketsOf(events) }))).toMatchObject({
      value: 1,
      samples: 2,
    });
  });
});

interface QualityCase {
  tp: number;
  outcome: Outcome;
  value: number;
}

interface QualityTable {
  evaluate: typeof evaluateCriticalPrecision;
  id: 'critical_precision' | 'critical_recall';
  errorField: 'fp' | 'fn';
  breach: number;
  warning: number;
  cases: QualityCase[];
}

describe.each<QualityTable>([
  {
    evaluate: evaluateCriticalPrecision,
    id: 'critical_precision',
    errorField: 'fp',
    breach: 0.9,
    warning: 0.95,
    // tp out of 200 predictions; value = tp / 200.
    cases: [
      { tp: 179, outcome: 'breach', value: 0.895 },
      { tp: 180, outcome: 'warning', value: 0.9 },
      { tp: 181, outcome: 'warning', value: 0.905 },
      { tp: 189, outcome: 'warning', value: 0.945 },
      { tp: 190, outcome: 'ok', value: 0.95 },
      { tp: 191, outcome: 'ok', value: 0.955 },
    ],
  },
  {
    evaluate: evaluateCriticalRecall,
    id: 'critical_recall',
    errorField: 'fn',
    breach: 0.8,
    warning: 0.85,
    cases: [
      { tp: 159, outcome: 'breach', value: 0.795 },
      { tp: 160, outcome: 'warning', value: 0.8 },
      { tp: 161, outcome: 'warning', value: 0.805 },
      { tp: 169, outcome: 'warning', value: 0.845 },
      { tp: 170, outcome: 'ok', value: 0.85 },
      { tp: 171, outcome: 'ok', value: 0.855 },
    ],
  },
])('$id', ({ evaluate, id, errorField, breach, warning, cases }) => {
  /** A confusion matrix whose denominator for this metric is tp + errors. */
  const confusion = (tp: number, errors: number): Confusion =>
    errorField === 'fp' ? { tp, fp: errors, fn: 3 } : { tp, fp: 3, fn: errors };

  it.each(cases)('tp $tp of 200 → $outcome', ({ tp, outcome, value }) => {
    const result = evaluate(input({ gdsReports: [gdsReport(confusion(tp, 200 - tp))] }));
    expect(result).toMatchObject({ id, kind: 'automatic', outcome, value, samples: 200 });
    expect(result).toMatchObject({ threshold: breach, warningThreshold: warning, window: '7d' });
  });

  it('is inconclusive below 20 samples but still shows the value', () => {
    const result = evaluate(input({ gdsReports: [gdsReport(confusion(10, 9))] }));
    expect(result).toMatchObject({ outcome: 'inconclusive', samples: 19 });
    expect(result.value).toBeCloseTo(10 / 19, 6);
    expect(result.reason).toContain('need 20');
  });

  it('judges at exactly 20 samples', () => {
    expect(evaluate(input({ gdsReports: [gdsReport(confusion(11, 9))] }))).toMatchObject({
      outcome: 'breach',
      value: 0.55,
      samples: 20,
    });
  });

  it('is inconclusive with a null value when the denominator is 0', () => {
    expect(evaluate(input({ gdsReports: [gdsReport(confusion(0, 0))] }))).toMatchObject({
      outcome: 'inconclusive',
      value: null,
      samples: 0,
    });
  });

  it('is inconclusive with a null value without any report', () => {
    expect(evaluate(input())).toMatchObject({ outcome: 'inconclusive', value: null, samples: 0 });
  });

  it.each([
    { name: 'a report 8 days old is ignored', age: 8 * DAY, used: false },
    { name: 'a report exactly 7 days old is ignored', age: 7 * DAY, used: false },
    { name: 'a report just under 7 days old is used', age: 7 * DAY - 1, used: true },
    { name: 'a report stamped exactly `at` is used', age: 0, used: true },
    { name: 'a report after `at` is ignored', age: -MINUTE, used: false },
  ])('report age: $name', ({ age, used }) => {
    const result = evaluate(input({ gdsReports: [gdsReport(confusion(100, 100), { ts: AT - age })] }));
    expect(result.outcome).toBe(used ? 'breach' : 'inconclusive');
  });

  it('uses the newest report, whatever the order of the input', () => {
    const older = gdsReport(confusion(100, 100), { ts: AT - 2 * DAY });
    const newer = gdsReport(confusion(199, 1), { ts: AT - DAY });
    expect(evaluate(input({ gdsReports: [newer, older] })).outcome).toBe('ok');
    expect(evaluate(input({ gdsReports: [older, newer] })).outcome).toBe('ok');
  });

  it('breaks a tie in ts by the greater report id, whatever the order the reports arrived in', () => {
    const bad = gdsReport(confusion(100, 100), { ts: AT - DAY, id: 'g-1' });
    const good = gdsReport(confusion(199, 1), { ts: AT - DAY, id: 'g-2' });
    expect(evaluate(input({ gdsReports: [bad, good] })).outcome).toBe('ok');
    expect(evaluate(input({ gdsReports: [good, bad] })).outcome).toBe('ok');
    const badLater = { ...bad, id: 'g-3' };
    expect(evaluate(input({ gdsReports: [good, badLater] })).outcome).toBe('breach');
    expect(evaluate(input({ gdsReports: [badLater, good] })).outcome).toBe('breach');
  });

  it("ignores another version's report", () => {
    const result = evaluate(
      input({ gdsReports: [gdsReport(confusion(100, 100), { version: OTHER_VERSION })] }),
    );
    expect(result.outcome).toBe('inconclusive');
  });

  it('takes thresholds and age from the policy', () => {
    const policy = withPolicy((p) => {
      p.triggers[id].breachBelow = 0.99;
      p.triggers[id].maxReportAge = '30d';
    });
    const report = gdsReport(confusion(197, 3), { ts: AT - 20 * DAY });
    expect(evaluate(input({ policy, gdsReports: [report] }))).toMatchObject({
      outcome: 'breach',
      threshold: 0.99,
      window: '30d',
    });
  });
});

describe('GDS reasons', () => {
  it('reads like the contract example', () => {
    const result = evaluateCriticalPrecision(input({ gdsReports: [gdsReport({ tp: 171, fp: 28, fn: 21 })] }));
    // The Wilson interval (statistics.confidence, 95 %) is appended inside the counts' parenthesis.
    expect(result.reason).toBe(
      'critical precision 0.86 < 0.90 on gds-1 (171 tp, 28 fp; 95 % CI 0.804–0.901)',
    );
  });

  it('never prints a value that reads the same as the threshold it missed', () => {
    const result = evaluateCriticalPrecision(input({ gdsReports: [gdsReport({ tp: 899, fp: 101, fn: 0 })] }));
    expect(result.outcome).toBe('breach');
    expect(result.reason).toContain('0.899 < 0.90');
  });
});

describe('fp_budget', () => {
  it.each([
    { name: 'just below', fp: 9, outcome: 'ok', value: 4.5 },
    { name: 'exactly 5 per 100 is not a breach', fp: 10, outcome: 'ok', value: 5 },
    { name: 'just above', fp: 11, outcome: 'breach', value: 5.5 },
  ] as const)('$name ($fp false positives in 200 emails)', ({ fp, outcome, value }) => {
    const result = evaluateFpBudget(input({ buckets: [bucketAt(3, { routine: 200, criticalFp: fp })] }));
    expect(result).toMatchObject({ id: 'fp_budget', kind: 'manual', outcome, value, samples: 200 });
    expect(result).toMatchObject({ threshold: 5, warningThreshold: null, window: '24h' });
  });

  it('divides by classified emails, not by corrections', () => {
    // 6 corrections, all critical → routine: the seed's SQL would say 100 %.
    const result = evaluateFpBudget(input({ buckets: [bucketAt(0, { routine: 200, criticalFp: 6 })] }));
    expect(result.value).toBe(3);
  });

  it('counts only critical → other corrections', () => {
    const events = [
      ...times(100, () => classification()),
      correction('routine', 'critical'),
      correction('routine', 'time_sensitive'),
      correction('critical', 'critical'),
      correction('critical', 'time_sensitive'),
    ];
    expect(evaluateFpBudget(input({ buckets: bucketsOf(events) })).value).toBe(1);
  });

  it.each([
    { classified: 99, outcome: 'inconclusive' },
    { classified: 100, outcome: 'breach' },
  ] as const)('needs 100 emails ($classified → $outcome)', ({ classified, outcome }) => {
    const result = evaluateFpBudget(
      input({ buckets: [bucketAt(0, { routine: classified, criticalFp: 20 })] }),
    );
    expect(result.outcome).toBe(outcome);
    expect(result.value).toBeGreaterThan(5);
  });

  it('says what is missing when it cannot judge', () => {
    const result = evaluateFpBudget(input({ buckets: [bucketAt(0, { routine: 40 })] }));
    expect(result.reason).toBe('not enough data: 40 emails, need 100');
  });

  it('is inconclusive with a null value when nothing was classified', () => {
    expect(evaluateFpBudget(input())).toMatchObject({ outcome: 'inconclusive', value: null, samples: 0 });
  });

  it('leaves out corrections older than the window', () => {
    const buckets = [bucketAt(0, { routine: 200 }), bucketAt(24 * 60, { criticalFp: 50 })];
    expect(evaluateFpBudget(input({ buckets }))).toMatchObject({ outcome: 'ok', value: 0 });
  });
});

/** The seed's per-minute reading (one-minute windows of 5 samples), still expressible in the policy. */
const PER_MINUTE = withPolicy((p) => {
  p.triggers.latency_p95.rollingWindow = '1m';
  p.triggers.latency_p95.minSamplesPerWindow = 5;
  p.triggers.latency_p95.minSamplesPerMinute = 5;
});

describe('latency_p95 per minute (rollingWindow 1m)', () => {
  const perMinute = (fields: Parameters<typeof input>[0]) =>
    evaluateLatencyP95(input({ policy: PER_MINUTE, ...fields }));

  it.each([
    { slowMinutes: 0, outcome: 'ok' },
    { slowMinutes: 10, outcome: 'ok' },
    { slowMinutes: 11, outcome: 'warning' },
    { slowMinutes: 30, outcome: 'warning' },
    { slowMinutes: 31, outcome: 'breach' },
  ] as const)('$slowMinutes slow minutes → $outcome', ({ slowMinutes, outcome }) => {
    const buckets = [
      ...minutes(slowMinutes, { latenciesMs: SLOW }),
      ...minutes(20, { latenciesMs: FAST }, slowMinutes),
    ];
    const result = perMinute({ buckets });
    expect(result).toMatchObject({ id: 'latency_p95', kind: 'manual', outcome, value: slowMinutes });
    expect(result).toMatchObject({ threshold: 30, warningThreshold: 10, samples: (slowMinutes + 20) * 5 });
  });

  it('skips thin minutes: they neither extend nor break a streak', () => {
    const buckets = times(62, (i) => bucketAt(i, { latenciesMs: i % 2 === 0 ? SLOW : THIN_FAST }));
    expect(perMinute({ buckets })).toMatchObject({ outcome: 'breach', value: 31 });
  });

  it('skips minutes without any traffic', () => {
    const buckets = times(12, (i) => bucketAt(i * 3, { latenciesMs: SLOW }));
    expect(perMinute({ buckets })).toMatchObject({ outcome: 'warning', value: 12 });
  });

  it('starts from the newest minute with enough samples, even when thin minutes are newer', () => {
    const buckets = [...minutes(3, { latenciesMs: THIN_FAST }), ...minutes(11, { latenciesMs: SLOW }, 3)];
    expect(perMinute({ buckets })).toMatchObject({ outcome: 'warning', value: 11 });
  });

  it('is broken by one healthy minute', () => {
    const buckets = [
      ...minutes(5, { latenciesMs: SLOW }),
      bucketAt(5, { latenciesMs: FAST }),
      ...minutes(40, { latenciesMs: SLOW }, 6),
    ];
    expect(perMinute({ buckets })).toMatchObject({ outcome: 'ok', value: 5 });
  });

  it.each([
    { name: '1 slow sample in 20 keeps the p95 fast', slow: 1, value: 0 },
    { name: '2 slow samples in 20 make the p95 slow', slow: 2, value: 1 },
  ])('is exact at 5 %: $name', ({ slow, value }) => {
    const latenciesMs = [...times(20 - slow, () => 400), ...times(slow, () => 9000)];
    expect(perMinute({ buckets: [bucketAt(0, { latenciesMs })] }).value).toBe(value);
  });

  it.each([
    { name: 'just above 3000 ms is slow', latencyMs: 3000.5, value: 1 },
    { name: 'exactly 3000 ms is not above 3000 ms', latencyMs: 3000, value: 0 },
    { name: '2990 ms (a histogram bin reading ≈ 3013 ms) is not', latencyMs: 2990, value: 0 },
    { name: 'just below 3000 ms is not', latencyMs: 2900, value: 0 },
  ])('threshold: $name', ({ latencyMs, value }) => {
    const buckets = [bucketAt(0, { latenciesMs: times(5, () => latencyMs) })];
    expect(perMinute({ buckets }).value).toBe(value);
  });

  it('is inconclusive with a null value when no minute has 5 samples', () => {
    const buckets = minutes(50, { latenciesMs: THIN_FAST });
    expect(perMinute({ buckets })).toMatchObject({ outcome: 'inconclusive', value: null, samples: 200 });
    expect(perMinute({})).toMatchObject({ outcome: 'inconclusive', value: null, samples: 0 });
  });

  it('ignores minutes outside the window', () => {
    const buckets = minutes(40, { latenciesMs: SLOW }, 24 * 60);
    expect(perMinute({ buckets }).outcome).toBe('inconclusive');
  });

  it('takes the threshold and the minimums from the policy (with exact counts at that threshold)', () => {
    const policy = withPolicy((p) => {
      Object.assign(p.triggers.latency_p95, PER_MINUTE.triggers.latency_p95);
      p.triggers.latency_p95.thresholdMs = 300;
      p.triggers.latency_p95.minSamplesPerWindow = 4;
      p.triggers.latency_p95.minSamplesPerMinute = 4;
    });
    const cuts = [{ ms: 300, inclusive: false }];
    const buckets = times(12, (i) => bucketAt(i, { latenciesMs: THIN_FAST }, cuts));
    expect(evaluateLatencyP95(input({ policy, buckets }))).toMatchObject({ outcome: 'warning', value: 12 });
  });

  it('reads buckets stored without exact counts (older data) from the histogram', () => {
    const buckets = minutes(11, { latenciesMs: SLOW }).map((bucket) => ({ ...bucket, latencyOver: {} }));
    expect(perMinute({ buckets })).toMatchObject({ outcome: 'warning', value: 11 });
  });
});

/** `perDay` live classifications evenly spread over [from, to), each `latencyMs(ts)`. */
function steadyTraffic(perDay: number, from: number, to: number, latencyMs: (ts: number) => number) {
  const spacing = DAY / perDay;
  const count = Math.floor((to - from) / spacing);
  return times(count, (i) => {
    const ts = from + Math.round(i * spacing);
    return classification({ ts, latencyMs: latencyMs(ts) });
  });
}

describe('latency_p95 on rolling windows (the default: 10 minutes, 20 samples)', () => {
  // The runbook's traffic: 5,000 emails a day ≈ 3.5 a minute, never 5 in most minutes.
  const SLOW_FROM = AT - 2 * HOUR;
  const events = steadyTraffic(5000, AT - 3 * HOUR, AT + MINUTE, (ts) => (ts >= SLOW_FROM ? 6000 : 800));
  /** Evaluated at the end of the minute `minutesAfter` minutes into the slowdown, on events up to then. */
  const at = (minutesAfter: number) => {
    const instant = SLOW_FROM + minutesAfter * MINUTE + 59_999;
    const seen = events.filter((event) => event.ts <= instant);
    return evaluateLatencyP95(input({ at: instant, buckets: bucketsOf(seen) }));
  };

  it('breaches after 2 h at 6 s p95 with 5,000 emails a day', () => {
    // Minutes 0 … 119 of the slowdown, and the first minute of traffic at AT.
    expect(at(120)).toMatchObject({ outcome: 'breach', value: 121, threshold: 30, warningThreshold: 10 });
  });

  it.each([
    { after: 9, outcome: 'ok' },
    { after: 10, outcome: 'warning' },
    { after: 29, outcome: 'warning' },
    { after: 30, outcome: 'breach' },
  ] as const)(
    'warns after ~10 and breaches after ~30 minutes: minute $after → $outcome',
    ({ after, outcome }) => {
      expect(at(after)).toMatchObject({ outcome, value: after + 1 });
    },
  );

  it('is ok at the same traffic when it is fast, and recovers once the window is fast again', () => {
    expect(at(-1)).toMatchObject({ outcome: 'ok', value: 0 });
    const recovered = [
      ...events.filter((event) => event.ts < AT - 30 * MINUTE),
      ...steadyTraffic(5000, AT - 30 * MINUTE, AT + MINUTE, () => 800),
    ];
    expect(evaluateLatencyP95(input({ buckets: bucketsOf(recovered) }))).toMatchObject({
      outcome: 'ok',
      value: 0,
    });
  });

  it.each([
    { name: 'exactly 3000 ms', latencyMs: 3000 },
    { name: 'a true p95 of 2990 ms (the histogram would read ≈ 3013 ms)', latencyMs: 2990 },
  ])('never counts $name as above 3 s', ({ latencyMs }) => {
    const edge = steadyTraffic(5000, AT - 3 * HOUR, AT + MINUTE, () => latencyMs);
    expect(evaluateLatencyP95(input({ buckets: bucketsOf(edge) }))).toMatchObject({
      outcome: 'ok',
      value: 0,
    });
  });

  it('explains the window in the reason', () => {
    expect(at(120).reason).toMatch(
      /^p95 above 3000 ms for 121 consecutive minutes > 30 \(each minute judged on the 10m ending at it, slow when more than 5 % of its samples are above 3000 ms; newest: 3\d of 3\d = 100\.0 %; \d+ samples in 24h\)$/,
    );
  });

  it('is inconclusive while no 10-minute window holds 20 samples', () => {
    const thin = steadyTraffic(1000, AT - 3 * HOUR, AT + MINUTE, () => 6000);
    expect(evaluateLatencyP95(input({ buckets: bucketsOf(thin) }))).toMatchObject({
      outcome: 'inconclusive',
      value: null,
    });
    expect(evaluateLatencyP95(input({ buckets: bucketsOf(thin) })).reason).toMatch(
      /no minute in 24h whose 10m window holds 20 or more latency samples/,
    );
  });
});

describe('cost_spike', () => {
  it.each([
    { costUsd: 0.00199, outcome: 'ok', value: 1.99 },
    { costUsd: 0.002, outcome: 'ok', value: 2 },
    { costUsd: 0.00201, outcome: 'breach', value: 2.01 },
  ] as const)('$costUsd per email → ratio $value, $outcome', ({ costUsd, outcome, value }) => {
    const result = evaluateCostSpike(input({ buckets: [bucketAt(0, { routine: 100, costUsd })] }));
    expect(result).toMatchObject({ id: 'cost_spike', kind: 'manual', outcome, value, samples: 100 });
    expect(result).toMatchObject({ threshold: 2, warningThreshold: null, window: '24h' });
  });

  it('counts only emails that carry a cost', () => {
    const buckets = [bucketAt(0, { routine: 100, costUsd: 0.003 }), bucketAt(1, { routine: 500 })];
    expect(evaluateCostSpike(input({ buckets }))).toMatchObject({
      outcome: 'breach',
      value: 3,
      samples: 100,
    });
  });

  it('needs 100 emails with cost, and still shows the ratio below that', () => {
    const result = evaluateCostSpike(input({ buckets: [bucketAt(0, { routine: 99, costUsd: 0.005 })] }));
    expect(result).toMatchObject({ outcome: 'inconclusive', value: 5, samples: 99 });
    expect(result.reason).toBe('not enough data: 99 emails with cost, need 100');
  });

  it('is inconclusive with a null value without any cost', () => {
    expect(evaluateCostSpike(input({ buckets: [bucketAt(0, { routine: 500 })] }))).toMatchObject({
      outcome: 'inconclusive',
      value: null,
      samples: 0,
    });
  });

  it('compares with the baseline from the policy', () => {
    const policy = withPolicy((p) => {
      p.baseline.costPerClassificationUsd = 0.002;
    });
    const result = evaluateCostSpike(
      input({ policy, buckets: [bucketAt(0, { routine: 100, costUsd: 0.003 })] }),
    );
    expect(result).toMatchObject({ outcome: 'ok', value: 1.5 });
  });
});

describe('distribution_drift', () => {
  it.each([
    { name: 'exactly at baseline', c: 30, t: 50, r: 120, outcome: 'ok', value: 0 },
    { name: 'exactly 5 pp is acceptable', c: 40, t: 50, r: 110, outcome: 'ok', value: 5 },
    { name: 'just above 5 pp warns', c: 41, t: 50, r: 109, outcome: 'warning', value: 5.5 },
    { name: 'exactly 10 pp is a warning, not a breach', c: 50, t: 50, r: 100, outcome: 'warning', value: 10 },
    { name: 'just above 10 pp breaches', c: 51, t: 50, r: 99, outcome: 'breach', value: 10.5 },
    { name: 'a drop counts like a rise', c: 30, t: 71, r: 99, outcome: 'breach', value: 10.5 },
  ] as const)('$name', ({ c, t, r, outcome, value }) => {
    const result = evaluateDistributionDrift(
      input({ buckets: [bucketAt(0, { critical: c, time_sensitive: t, routine: r })] }),
    );
    expect(result).toMatchObject({ id: 'distribution_drift', kind: 'manual', outcome, value, samples: 200 });
    expect(result).toMatchObject({ threshold: 10, warningThreshold: 5, window: '24h' });
  });

  it('names the class that drifted most', () => {
    const buckets = [bucketAt(0, { critical: 62, time_sensitive: 50, routine: 88 })];
    expect(evaluateDistributionDrift(input({ buckets })).reason).toContain(
      'critical is 31.0% vs baseline 15% (+16.0 pp)',
    );
    const routineHeavy = [bucketAt(0, { critical: 10, time_sensitive: 20, routine: 170 })];
    expect(evaluateDistributionDrift(input({ buckets: routineHeavy })).reason).toContain(
      'routine is 85.0% vs baseline 60% (+25.0 pp)',
    );
  });

  it.each([
    { classified: 199, outcome: 'inconclusive' },
    { classified: 200, outcome: 'breach' },
  ] as const)('needs 200 emails ($classified → $outcome)', ({ classified, outcome }) => {
    const result = evaluateDistributionDrift(input({ buckets: [bucketAt(0, { critical: classified })] }));
    expect(result).toMatchObject({ outcome, value: 85, samples: classified });
  });

  it('is inconclusive with a null value when nothing was classified', () => {
    expect(evaluateDistributionDrift(input())).toMatchObject({
      outcome: 'inconclusive',
      value: null,
      samples: 0,
    });
  });

  it('uses the baseline from the policy', () => {
    const policy = withPolicy((p) => {
      p.baseline.distribution = { critical: 0.25, time_sensitive: 0.25, routine: 0.5 };
    });
    const buckets = [bucketAt(0, { critical: 50, time_sensitive: 50, routine: 100 })];
    expect(evaluateDistributionDrift(input({ policy, buckets }))).toMatchObject({ outcome: 'ok', value: 0 });
  });

  it('leaves out emails older than the window', () => {
    const buckets = [
      bucketAt(0, { critical: 30, time_sensitive: 50, routine: 120 }),
      bucketAt(24 * 60, { critical: 500 }),
    ];
    expect(evaluateDistributionDrift(input({ buckets }))).toMatchObject({ value: 0, samples: 200 });
  });
});

describe('data_freshness', () => {
  const trafficUntil = (minutesAgo: number) => minutes(20, { routine: 3 }, minutesAgo);
  it.each([
    { name: 'traffic this minute', lastMinutesAgo: 0, deployed: true, outcome: 'ok', value: 0 },
    { name: 'quiet for 30 min (not longer)', lastMinutesAgo: 30, deployed: true, outcome: 'ok', value: 30 },
    {
      name: 'quiet for 31 min while deployed',
      lastMinutesAgo: 31,
      deployed: true,
      outcome: 'warning',
      value: 31,
    },
    {
      name: 'quiet for 31 min after a newer version went live',
      lastMinutesAgo: 31,
      deployed: false,
      outcome: 'ok',
      value: 31,
    },
  ] as const)('$name → $outcome', ({ lastMinutesAgo, deployed, outcome, value }) => {
    const result = evaluateDataFreshness(input({ buckets: trafficUntil(lastMinutesAgo), deployed }));
    expect(result).toMatchObject({
      id: 'data_freshness',
      kind: 'manual',
      outcome,
      value,
      threshold: 30,
      window: '30m',
    });
  });

  it('prefers the exact lastSeen over the minute buckets', () => {
    const result = evaluateDataFreshness(input({ buckets: trafficUntil(40), lastSeen: AT - 90_000 }));
    expect(result).toMatchObject({ outcome: 'ok', value: 1.5 });
  });

  it('is inconclusive with a null value for a version never seen live', () => {
    expect(evaluateDataFreshness(input())).toMatchObject({ outcome: 'inconclusive', value: null });
  });

  it('warns when the newest GDS report is older than maxReportAge, not when it is fresh', () => {
    const buckets = trafficUntil(0);
    const old = gdsReport({ tp: 190, fp: 5, fn: 5 }, { ts: AT - 8 * DAY });
    const stale = evaluateDataFreshness(input({ buckets, gdsReports: [old] }));
    expect(stale.outcome).toBe('warning');
    expect(stale.reason).toMatch(/newest GDS report \(gds-1, .*\) is older than 7d/);
    const fresh = gdsReport({ tp: 190, fp: 5, fn: 5 }, { ts: AT - DAY });
    expect(evaluateDataFreshness(input({ buckets, gdsReports: [old, fresh] })).outcome).toBe('ok');
  });

  it('never rolls back or asks to investigate by itself: at most watch', () => {
    const evaluation = evaluateVersion(input({ buckets: trafficUntil(60) }));
    expect(evaluation.triggers.at(-1)).toMatchObject({ id: 'data_freshness', outcome: 'warning' });
    expect(evaluation.decision).toBe('watch');
    const forced = { ...(evaluation.triggers.at(-1) as TriggerResult), outcome: 'breach' as const };
    expect(decide([forced])).toBe('watch');
  });
});

describe('decide', () => {
  const result = (kind: TriggerKind, outcome: Outcome): TriggerResult => ({
    id: kind === 'automatic' ? 'otp_in_critical' : 'fp_budget',
    kind,
    outcome,
    value: null,
    threshold: 0,
    warningThreshold: null,
    samples: 0,
    window: '24h',
    reason: '',
  });

  // Every pair of (automatic outcome, manual outcome).
  const table: [Outcome, Outcome, Decision][] = [
    ['ok', 'ok', 'none'],
    ['ok', 'warning', 'watch'],
    ['ok', 'breach', 'investigate'],
    ['ok', 'inconclusive', 'none'],
    ['warning', 'ok', 'watch'],
    ['warning', 'warning', 'watch'],
    ['warning', 'breach', 'investigate'],
    ['warning', 'inconclusive', 'watch'],
    ['breach', 'ok', 'rollback'],
    ['breach', 'warning', 'rollback'],
    ['breach', 'breach', 'rollback'],
    ['breach', 'inconclusive', 'rollback'],
    ['inconclusive', 'ok', 'none'],
    ['inconclusive', 'warning', 'watch'],
    ['inconclusive', 'breach', 'investigate'],
    ['inconclusive', 'inconclusive', 'none'],
  ];

  it.each(table)('automatic %s + manual %s → %s', (automatic, manual, decision) => {
    expect(decide([result('automatic', automatic), result('manual', manual)])).toBe(decision);
    expect(decide([result('manual', manual), result('automatic', automatic)])).toBe(decision);
  });

  it('decides none for no results', () => {
    expect(decide([])).toBe('none');
  });

  it('lets one automatic breach among many healthy results roll back', () => {
    const results = [...times(6, () => result('manual', 'ok')), result('automatic', 'breach')];
    expect(decide(results)).toBe('rollback');
  });
});

describe('evaluateVersion', () => {
  it('reports the seven runbook triggers, then data_freshness, in order, with the instant as ISO text', () => {
    const evaluation = evaluateVersion(input());
    expect(evaluation.at).toBe('2026-11-27T12:00:00.000Z');
    expect(evaluation.triggers.map((trigger) => trigger.id)).toEqual([...TRIGGER_IDS]);
    expect(evaluation.decision).toBe('none');
    expect(evaluation.triggers.every((trigger) => trigger.outcome === 'inconclusive')).toBe(true);
  });

  it('rolls back on an OTP in critical even when the manual triggers are healthy', () => {
    const buckets = [
      bucketAt(0, { critical: 30, otpCritical: 1, time_sensitive: 50, routine: 120, costUsd: 0.001 }),
    ];
    const evaluation = evaluateVersion(input({ buckets }));
    expect(evaluation.decision).toBe('rollback');
    expect(evaluation.triggers.find((t) => t.id === 'distribution_drift')?.outcome).toBe('ok');
    expect(evaluation.triggers.find((t) => t.id === 'cost_spike')?.outcome).toBe('ok');
  });

  it('asks to investigate a manual breach', () => {
    const buckets = [bucketAt(0, { critical: 30, time_sensitive: 50, routine: 120, criticalFp: 20 })];
    expect(evaluateVersion(input({ buckets })).decision).toBe('investigate');
  });

  it('watches a precision warning', () => {
    const evaluation = evaluateVersion(input({ gdsReports: [gdsReport({ tp: 185, fp: 15, fn: 5 })] }));
    expect(evaluation.decision).toBe('watch');
  });

  it('keeps to the JSON contract: field names and values survive a round trip', () => {
    const evaluation = evaluateVersion(input({ buckets: [bucketAt(0, { critical: 3, otpCritical: 3 })] }));
    const trigger = JSON.parse(JSON.stringify(evaluation)).triggers[0];
    expect(Object.keys(trigger)).toEqual(
      expect.arrayContaining(['id', 'kind', 'outcome', 'value', 'threshold', 'samples', 'window', 'reason']),
    );
    expect(trigger).toMatchObject({ id: 'otp_in_critical', outcome: 'breach', value: 3, threshold: 0 });
    expect(evaluation.version).toEqual(input().version);
  });

  it('uses only the numbers of the policy it is given', () => {
    const buckets = [bucketAt(0, { routine: 200, criticalFp: 6 })];
    expect(evaluateVersion(input({ buckets })).triggers[3]?.outcome).toBe('ok');
    const strict = withPolicy((p) => {
      p.triggers.fp_budget.breachAbovePer100 = 2;
    });
    expect(evaluateVersion(input({ buckets, policy: strict })).triggers[3]).toMatchObject({
      id: 'fp_budget',
      outcome: 'breach',
      threshold: 2,
    });
    expect(DEFAULT_POLICY.triggers.fp_budget.breachAbovePer100).toBe(5);
  });

  it('reads 24 h windows from raw events one hour apart the same way as from buckets', () => {
    const events = times(30, (i) => classification({ ts: AT - i * HOUR, importance: 'critical', otp: true }));
    expect(evaluateVersion(input({ buckets: bucketsOf(events) })).triggers[0]?.value).toBe(24);
  });
});
