import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type CounterField,
  emptyBucket,
  latencyCutKey,
  type MinuteBucket,
} from '../../functions/core/buckets.ts';
import type { Confusion, GdsReportEvent } from '../../functions/core/events.ts';
import { addToHistogram } from '../../functions/core/histogram.ts';
import type { CheckOutcome, VerificationCheck } from '../../functions/core/incident/incident.ts';
import { DEFAULT_LATENCY_CUTS } from '../../functions/core/latency-cuts.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import { stageOutcome } from '../../functions/core/verification/check.ts';
import {
  DEFAULT_VERIFICATION_POLICY,
  type VerificationPolicy,
  verificationPolicySchema,
} from '../../functions/core/verification/policy.ts';
import { stageDueAt, stageTiming } from '../../functions/core/verification/schedule.ts';
import {
  nextStep,
  STAGE_CHECK_IDS,
  type Stage,
  type VerificationInput,
  verifyStage,
} from '../../functions/core/verification/stages.ts';
import type { Version } from '../../functions/core/version.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DEPLOYED_AT = Date.parse('2026-11-27T10:00:00Z');
const RESTORED: Version = { model: 'gemini-1.5-flash', modelVersion: '1.5', prompt: 'v1' };
const BAD: Version = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
/** When each stage is judged in these tests (procedure A). */
const JUDGED_AT: Record<Stage, number> = {
  immediate: DEPLOYED_AT + 30 * MINUTE,
  short_term: DEPLOYED_AT + 4 * HOUR,
  long_term: DEPLOYED_AT + 24 * HOUR,
};

type Counts = Partial<Record<CounterField, number>> & { latencyMs?: readonly number[] };

/** One minute of the restored version's traffic, `minutes` after the deploy, counted as ingest counts it. */
function bucket(minutes: number, counts: Counts = {}): MinuteBucket {
  const { latencyMs = [], ...counters } = counts;
  const made = { ...emptyBucket(DEPLOYED_AT + minutes * MINUTE), ...counters };
  for (const ms of latencyMs) addToHistogram(made.latency, ms);
  if (latencyMs.length > 0) {
    for (const cut of DEFAULT_LATENCY_CUTS) {
      made.latencyOver[latencyCutKey(cut)] = latencyMs.filter((ms) =>
        cut.inclusive ? ms >= cut.ms : ms > cut.ms,
      ).length;
    }
  }
  return made;
}

/** `n` healthy emails: baseline 15/25/60 shares, baseline cost, 700 ms, no OTP, no errors. */
function healthy(n: number, extra: Counts = {}): Counts {
  const critical = Math.round(n * 0.15);
  const timeSensitive = Math.round(n * 0.25);
  return {
    classified: n,
    critical,
    time_sensitive: timeSensitive,
    routine: n - critical - timeSensitive,
    costCount: n,
    costNanoUsd: n * 1_000_000,
    latencyMs: Array.from({ length: n }, () => 700),
    ...extra,
  };
}

function report(critical: Confusion, minutesAfterDeploy = 60, version = RESTORED): GdsReportEvent {
  return {
    type: 'gds_report',
    id: `g-${minutesAfterDeploy}-${critical.tp}-${critical.fp}-${critical.fn}`,
    ts: DEPLOYED_AT + minutesAfterDeploy * MINUTE,
    version,
    dataset: 'gds-1',
    critical,
  };
}

function input(stage: Stage, fields: Partial<VerificationInput> = {}): VerificationInput {
  return {
    at: JUDGED_AT[stage],
    deployedAt: DEPLOYED_AT,
    version: RESTORED,
    buckets: [],
    gdsReports: [],
    policy: DEFAULT_POLICY,
    verification: DEFAULT_VERIFICATION_POLICY,
    attempt: 1,
    ...fields,
  };
}

function checkOf(stage: Stage, id: string, fields: Partial<VerificationInput>): VerificationCheck {
  const found = verifyStage(stage, input(stage, fields)).checks.find((check) => check.id === id);
  if (!found) throw new Error(`no check ${id} in stage ${stage}`);
  return found;
}

interface Row {
  name: string;
  stage: Stage;
  check: string;
  buckets?: MinuteBucket[];
  reports?: GdsReportEvent[];
  outcome: CheckOutcome;
  value: number | null;
  samples?: number;
}

// biome-ignore format: one row per line keeps the table readable
const ROWS: Row[] = [
  // Immediate: OTP in critical == 0. A single OTP fails at once, even on thin data.
  { name: 'no OTP in 20 emails', stage: 'immediate', check: 'otp_in_critical', buckets: [bucket(1, healthy(20))], outcome: 'pass', value: 0, samples: 20 },
  { name: 'one OTP in 5 emails', stage: 'immediate', check: 'otp_in_critical', buckets: [bucket(1, healthy(5, { otpCritical: 1 }))], outcome: 'fail', value: 1, samples: 5 },
  { name: 'no OTP but only 19 emails', stage: 'immediate', check: 'otp_in_critical', buckets: [bucket(1, healthy(19))], outcome: 'inconclusive', value: 0, samples: 19 },
  // Immediate: p95 < 2000 ms over ≥ 20 samples, both ways.
  { name: 'p95 700 ms', stage: 'immediate', check: 'latency_p95', buckets: [bucket(1, healthy(20))], outcome: 'pass', value: null, samples: 20 },
  { name: 'p95 2500 ms', stage: 'immediate', check: 'latency_p95', buckets: [bucket(1, { ...healthy(20), latencyMs: Array(20).fill(2500) })], outcome: 'fail', value: null, samples: 20 },
  { name: 'slow but only 19 samples', stage: 'immediate', check: 'latency_p95', buckets: [bucket(1, { ...healthy(19), latencyMs: Array(19).fill(2500) })], outcome: 'inconclusive', value: null, samples: 19 },
  { name: 'no latency samples', stage: 'immediate', check: 'latency_p95', buckets: [bucket(1, { ...healthy(50), latencyMs: [] })], outcome: 'inconclusive', value: null, samples: 0 },
  // Exact at the edge: 2 of 20 at exactly 2000 ms make the p95 2000 ms, not < 2000; 1 of 20 keeps it below.
  { name: '2 of 20 at exactly 2000 ms', stage: 'immediate', check: 'latency_p95', buckets: [bucket(1, { ...healthy(20), latencyMs: [...Array(18).fill(700), 2000, 2000] })], outcome: 'fail', value: null, samples: 20 },
  { name: '1 of 20 at exactly 2000 ms', stage: 'immediate', check: 'latency_p95', buckets: [bucket(1, { ...healthy(20), latencyMs: [...Array(19).fill(700), 2000] })], outcome: 'pass', value: null, samples: 20 },
  // The histogram bin holding 2003 ms reads ≈ 1986 ms; the exact count still fails it.
  { name: 'true p95 2003 ms', stage: 'immediate', check: 'latency_p95', buckets: [bucket(1, { ...healthy(20), latencyMs: Array(20).fill(2003) })], outcome: 'fail', value: null, samples: 20 },
  // Immediate: no classification errors.
  { name: 'no errors', stage: 'immediate', check: 'classification_errors', buckets: [bucket(1, healthy(20))], outcome: 'pass', value: 0, samples: 20 },
  { name: 'one error', stage: 'immediate', check: 'classification_errors', buckets: [bucket(1, healthy(3, { errors: 1 }))], outcome: 'fail', value: 1, samples: 3 },
  { name: 'no errors in 10 emails', stage: 'immediate', check: 'classification_errors', buckets: [bucket(1, healthy(10))], outcome: 'inconclusive', value: 0, samples: 10 },
  // Short-term precision, live estimate: 1 − criticalFp / critical.
  { name: 'live precision 0.97', stage: 'short_term', check: 'critical_precision', buckets: [bucket(5, healthy(1000, { critical: 100, criticalFp: 3 }))], outcome: 'pass', value: 0.97, samples: 100 },
  { name: 'live precision exactly 0.95', stage: 'short_term', check: 'critical_precision', buckets: [bucket(5, healthy(1000, { critical: 100, criticalFp: 5 }))], outcome: 'pass', value: 0.95, samples: 100 },
  { name: 'live precision 0.94', stage: 'short_term', check: 'critical_precision', buckets: [bucket(5, healthy(1000, { critical: 100, criticalFp: 6 }))], outcome: 'fail', value: 0.94, samples: 100 },
  { name: 'live precision on 19 critical', stage: 'short_term', check: 'critical_precision', buckets: [bucket(5, healthy(1000, { critical: 19, criticalFp: 5 }))], outcome: 'inconclusive', value: 0.736842, samples: 19 },
  // A GDS report run since the deploy beats the live estimate.
  { name: 'fresh GDS precision 0.96 over a bad live estimate', stage: 'short_term', check: 'critical_precision', buckets: [bucket(5, healthy(1000, { critical: 100, criticalFp: 50 }))], reports: [report({ tp: 96, fp: 4, fn: 10 })], outcome: 'pass', value: 0.96, samples: 100 },
  { name: 'fresh GDS precision 0.9', stage: 'short_term', check: 'critical_precision', buckets: [bucket(5, healthy(1000))], reports: [report({ tp: 90, fp: 10, fn: 0 })], outcome: 'fail', value: 0.9, samples: 100 },
  { name: 'fresh GDS report with 10 tp+fp', stage: 'short_term', check: 'critical_precision', buckets: [bucket(5, healthy(1000))], reports: [report({ tp: 10, fp: 0, fn: 0 })], outcome: 'inconclusive', value: 1, samples: 10 },
  // Short-term recall, live estimate: tp / (tp + criticalFn) with tp = critical − criticalFp.
  { name: 'live recall 100/110', stage: 'short_term', check: 'critical_recall', buckets: [bucket(5, healthy(1000, { critical: 100, criticalFn: 10 }))], outcome: 'pass', value: 0.909091, samples: 110 },
  { name: 'live recall 90/110 (fp lowers tp)', stage: 'short_term', check: 'critical_recall', buckets: [bucket(5, healthy(1000, { critical: 100, criticalFp: 10, criticalFn: 20 }))], outcome: 'fail', value: 0.818182, samples: 110 },
  { name: 'live recall on 15 samples', stage: 'short_term', check: 'critical_recall', buckets: [bucket(5, healthy(1000, { critical: 10, criticalFn: 5 }))], outcome: 'inconclusive', value: 0.666667, samples: 15 },
  { name: 'fresh GDS recall 0.8', stage: 'short_term', check: 'critical_recall', buckets: [bucket(5, healthy(1000))], reports: [report({ tp: 80, fp: 0, fn: 20 })], outcome: 'fail', value: 0.8, samples: 100 },
  // Short-term cost per classification ≤ 1.0 × baseline; exactly at baseline passes.
  { name: 'cost exactly at baseline', stage: 'short_term', check: 'cost_per_classification', buckets: [bucket(5, healthy(200))], outcome: 'pass', value: 1, samples: 200 },
  { name: 'cost 1.1× baseline', stage: 'short_term', check: 'cost_per_classification', buckets: [bucket(5, healthy(200, { costNanoUsd: 200 * 1_100_000 }))], outcome: 'fail', value: 1.1, samples: 200 },
  { name: 'cost on 199 emails', stage: 'short_term', check: 'cost_per_classification', buckets: [bucket(5, healthy(199))], outcome: 'inconclusive', value: 1, samples: 199 },
  { name: 'no cost data', stage: 'short_term', check: 'cost_per_classification', buckets: [bucket(5, healthy(500, { costCount: 0, costNanoUsd: 0 }))], outcome: 'inconclusive', value: null, samples: 0 },
  // Short-term distribution within ±5 pp of 15/25/60; exactly 5 pp passes.
  { name: 'baseline distribution', stage: 'short_term', check: 'distribution_drift', buckets: [bucket(5, healthy(200))], outcome: 'pass', value: 0, samples: 200 },
  { name: 'drift exactly 5 pp', stage: 'short_term', check: 'distribution_drift', buckets: [bucket(5, healthy(200, { critical: 40, time_sensitive: 40, routine: 120 }))], outcome: 'pass', value: 5, samples: 200 },
  { name: 'critical at 25 %', stage: 'short_term', check: 'distribution_drift', buckets: [bucket(5, healthy(200, { critical: 50, time_sensitive: 30, routine: 120 }))], outcome: 'fail', value: 10, samples: 200 },
  { name: 'distribution on 199 emails', stage: 'short_term', check: 'distribution_drift', buckets: [bucket(5, healthy(199))], outcome: 'inconclusive', value: 0.201005, samples: 199 },
  // Long-term corrections FP rate < 3 per 100 classified; exactly 3 fails.
  { name: 'FP rate 2 per 100', stage: 'long_term', check: 'correction_fp_rate', buckets: [bucket(60, healthy(100, { criticalFp: 2 }))], outcome: 'pass', value: 2, samples: 100 },
  { name: 'FP rate 3 per 100', stage: 'long_term', check: 'correction_fp_rate', buckets: [bucket(60, healthy(100, { criticalFp: 3 }))], outcome: 'fail', value: 3, samples: 100 },
  { name: 'FP rate on 99 emails', stage: 'long_term', check: 'correction_fp_rate', buckets: [bucket(60, healthy(99))], outcome: 'inconclusive', value: 0, samples: 99 },
  // Long-term: no trigger fires again (all seven evaluated on data since the deploy).
  { name: 'no trigger in breach', stage: 'long_term', check: 'no_recurring_trigger', buckets: [bucket(60, healthy(500))], outcome: 'pass', value: 0, samples: 500 },
  { name: 'otp_in_critical fires again', stage: 'long_term', check: 'no_recurring_trigger', buckets: [bucket(60, healthy(500, { otpCritical: 1 }))], outcome: 'fail', value: 1, samples: 500 },
  { name: 'fp_budget and otp fire again', stage: 'long_term', check: 'no_recurring_trigger', buckets: [bucket(60, healthy(500, { otpCritical: 2, criticalFp: 30 }))], outcome: 'fail', value: 2, samples: 500 },
  { name: 'no breach but only 50 emails', stage: 'long_term', check: 'no_recurring_trigger', buckets: [bucket(60, healthy(50))], outcome: 'inconclusive', value: 0, samples: 50 },
  // Long-term: GDS stable = a report since the deploy still meets precision / recall.
  { name: 'GDS precision 0.95', stage: 'long_term', check: 'gds_precision_stable', reports: [report({ tp: 95, fp: 5, fn: 5 }, 600)], outcome: 'pass', value: 0.95, samples: 100 },
  { name: 'GDS precision 0.8', stage: 'long_term', check: 'gds_precision_stable', reports: [report({ tp: 80, fp: 20, fn: 5 }, 600)], outcome: 'fail', value: 0.8, samples: 100 },
  { name: 'no GDS report since deploy', stage: 'long_term', check: 'gds_precision_stable', reports: [report({ tp: 95, fp: 5, fn: 5 }, -60)], outcome: 'inconclusive', value: null, samples: 0 },
  { name: 'GDS recall 0.9', stage: 'long_term', check: 'gds_recall_stable', reports: [report({ tp: 90, fp: 0, fn: 10 }, 600)], outcome: 'pass', value: 0.9, samples: 100 },
  { name: 'GDS recall 0.84', stage: 'long_term', check: 'gds_recall_stable', reports: [report({ tp: 84, fp: 0, fn: 16 }, 600)], outcome: 'fail', value: 0.84, samples: 100 },
  { name: 'GDS report of another version only', stage: 'long_term', check: 'gds_recall_stable', reports: [report({ tp: 90, fp: 0, fn: 10 }, 600, BAD)], outcome: 'inconclusive', value: null, samples: 0 },
  { name: 'GDS report with 12 tp+fn', stage: 'long_term', check: 'gds_recall_stable', reports: [report({ tp: 10, fp: 0, fn: 2 }, 600)], outcome: 'inconclusive', value: 0.833333, samples: 12 },
];

describe('every verification check passes, fails and is inconclusive', () => {
  it.each(ROWS)('$stage $check: $name → $outcome', (row) => {
    const check = checkOf(row.stage, row.check, {
      buckets: row.buckets ?? [],
      gdsReports: row.reports ?? [],
    });
    expect(check.outcome).toBe(row.outcome);
    // Latency values come from a histogram (≤ 2 % off), so they are checked separately below.
    if (row.check !== 'latency_p95') expect(check.value).toBe(row.value);
    if (row.samples !== undefined) expect(check.samples).toBe(row.samples);
    expect(check.reason).not.toBe('');
  });

  it('covers all three outcomes for every check id of every stage', () => {
    for (const [stage, ids] of Object.entries(STAGE_CHECK_IDS)) {
      for (const id of ids) {
        const outcomes = new Set(
          ROWS.filter((row) => row.stage === stage && row.check === id).map((row) => row.outcome),
        );
        expect([id, [...outcomes].sort()]).toEqual([id, ['fail', 'inconclusive', 'pass']]);
      }
    }
  });

  it('reports p95 latency in ms against the 2000 ms threshold', () => {
    const fast = checkOf('immediate', 'latency_p95', { buckets: [bucket(1, healthy(20))] });
    const slow = checkOf('immediate', 'latency_p95', {
      buckets: [bucket(1, { ...healthy(100), latencyMs: [...Array(90).fill(500), ...Array(10).fill(2600)] })],
    });
    expect(fast.threshold).toBe(2000);
    expect(fast.value).toBeCloseTo(700, -1);
    expect(slow.value).toBeCloseTo(2600, -2);
    expect(slow.reason).toMatch(
      /p95 latency ≥ 2000 ms: 10 of 100 samples since deploy at or above it \(more than 5 %; histogram p95 ≈ 26\d\d ms\)/,
    );
  });

  it('shows where precision came from and its sample size', () => {
    const live = checkOf('short_term', 'critical_precision', {
      buckets: [bucket(5, healthy(1000, { critical: 100, criticalFp: 3 }))],
    });
    expect(live.reason).toContain('no GDS report since deploy; live estimate: 3 of 100 critical emails');
    expect(live.reason).toContain('critical precision 0.97 ≥ 0.95');
    const gds = checkOf('short_term', 'critical_precision', {
      gdsReports: [report({ tp: 96, fp: 4, fn: 0 })],
    });
    expect(gds.reason).toContain('GDS report on gds-1 at 2026-11-27T11:00:00.000Z: 96 tp, 4 fp');
    expect(gds.samples).toBe(100);
  });

  it('never prints a value that reads the same as its threshold on the wrong side', () => {
    const check = checkOf('short_term', 'critical_precision', {
      buckets: [bucket(5, healthy(10_000, { critical: 10_000, criticalFp: 501 }))],
    });
    expect(check.outcome).toBe('fail');
    expect(check.reason).toContain('critical precision 0.9499 < 0.95');
  });
});

describe('stage outcome', () => {
  const check = (outcome: CheckOutcome): VerificationCheck => ({
    id: outcome,
    outcome,
    value: 0,
    threshold: 0,
    samples: 0,
    reason: outcome,
  });

  it.each([
    [['pass', 'pass', 'pass'], 'pass'],
    [['pass', 'inconclusive', 'pass'], 'inconclusive'],
    [['inconclusive', 'fail', 'pass'], 'fail'],
    [['fail', 'fail'], 'fail'],
    [[], 'inconclusive'],
  ] as [CheckOutcome[], CheckOutcome][])('%j → %s', (outcomes, expected) => {
    expect(stageOutcome(outcomes.map(check))).toBe(expected);
  });

  it('a healthy restored version passes all three stages', () => {
    const buckets = [
      bucket(1, healthy(40)),
      bucket(90, healthy(400)),
      bucket(600, healthy(1000, { criticalFp: 5 })),
    ];
    const gdsReports = [report({ tp: 96, fp: 3, fn: 8 }, 700)];
    for (const stage of ['immediate', 'short_term', 'long_term'] as const) {
      const result = verifyStage(stage, input(stage, { buckets, gdsReports }));
      expect([stage, result.outcome, result.checks.filter((c) => c.outcome !== 'pass')]).toEqual([
        stage,
        'pass',
        [],
      ]);
    }
  });

  it('one failing check fails the stage, one thin check leaves it inconclusive', () => {
    const otp = verifyStage(
      'immediate',
      input('immediate', { buckets: [bucket(1, healthy(40, { otpCritical: 1 }))] }),
    );
    expect(otp.outcome).toBe('fail');
    const thin = verifyStage('immediate', input('immediate', { buckets: [bucket(1, healthy(10))] }));
    expect(thin.checks.map((c) => c.outcome)).toEqual(['inconclusive', 'inconclusive', 'inconclusive']);
    expect(thin.outcome).toBe('inconclusive');
  });

  it('returns the StageResult shape: stage, ISO time, attempt and the checks in a fixed order', () => {
    for (const stage of ['immediate', 'short_term', 'long_term'] as const) {
      const result = verifyStage(stage, input(stage, { attempt: 3 }));
      expect(result.stage).toBe(stage);
      expect(result.at).toBe(new Date(JUDGED_AT[stage]).toISOString());
      expect(result.attempt).toBe(3);
      expect(result.checks.map((c) => c.id)).toEqual(STAGE_CHECK_IDS[stage]);
    }
  });
});

describe('only data since the deploy counts', () => {
  const after = bucket(2, healthy(40));

  it('ignores buckets before the deploy, and the minute it straddles', () => {
    const before = bucket(-1, { classified: 9, critical: 9, otpCritical: 9, errors: 9 });
    const clean = verifyStage('immediate', input('immediate', { buckets: [before, after] }));
    expect(clean.outcome).toBe('pass');
    expect(clean.checks[0]?.samples).toBe(40);
    // Deployed at 10:00:30: the 10:00 bucket may hold rollout traffic and is left out.
    const straddling = bucket(0, { classified: 9, critical: 9, otpCritical: 9 });
    const late = verifyStage(
      'immediate',
      input('immediate', { deployedAt: DEPLOYED_AT + 30_000, buckets: [straddling, after] }),
    );
    expect(late.checks[0]).toMatchObject({ outcome: 'pass', value: 0, samples: 40 });
  });

  it('ignores buckets after the judgement time', () => {
    const future = bucket(31, { classified: 1, critical: 1, otpCritical: 1 });
    expect(verifyStage('immediate', input('immediate', { buckets: [after, future] })).outcome).toBe('pass');
  });

  it('counts the bucket that starts exactly at the deploy', () => {
    const first = bucket(0, { classified: 1, critical: 1, otpCritical: 1 });
    expect(verifyStage('immediate', input('immediate', { buckets: [first, after] })).outcome).toBe('fail');
  });

  it('uses the live estimate when the only GDS report predates the deploy', () => {
    const check = checkOf('short_term', 'critical_precision', {
      buckets: [bucket(5, healthy(1000, { critical: 100, criticalFp: 10 }))],
      gdsReports: [report({ tp: 99, fp: 1, fn: 0 }, -1)],
    });
    expect(check).toMatchObject({ outcome: 'fail', value: 0.9, samples: 100 });
  });

  it('does not let a trigger breach from before the deploy count as firing again', () => {
    const buckets = [
      bucket(-30, { classified: 10, critical: 10, otpCritical: 10 }),
      bucket(60, healthy(500)),
    ];
    expect(checkOf('long_term', 'no_recurring_trigger', { buckets })).toMatchObject({
      outcome: 'pass',
      value: 0,
    });
  });

  it('takes the newest fresh GDS report', () => {
    const reports = [report({ tp: 99, fp: 1, fn: 0 }, 700), report({ tp: 80, fp: 20, fn: 0 }, 60)];
    expect(checkOf('long_term', 'gds_precision_stable', { gdsReports: reports }).value).toBe(0.99);
  });
});

describe('what happens next', () => {
  const result = (outcome: CheckOutcome) => ({ outcome });

  it('continues on pass and escalates on fail, never rolling back further', () => {
    expect(nextStep(result('pass'), 1, DEFAULT_VERIFICATION_POLICY)).toBe('continue');
    expect(nextStep(result('fail'), 1, DEFAULT_VERIFICATION_POLICY)).toBe('escalate');
  });

  it('extends an inconclusive stage 4 times by default, then escalates', () => {
    const steps = [1, 2, 3, 4, 5].map((attempt) =>
      nextStep(result('inconclusive'), attempt, DEFAULT_VERIFICATION_POLICY),
    );
    expect(steps).toEqual(['extend', 'extend', 'extend', 'extend', 'escalate']);
  });

  it('follows the policy retry limit', () => {
    const none = verificationPolicySchema.parse({ inconclusive: { maxRetries: 0 } });
    expect(nextStep(result('inconclusive'), 1, none)).toBe('escalate');
  });

  it('schedules each retry 15 minutes after the last', () => {
    expect(stageDueAt('immediate', DEPLOYED_AT, 'A', DEFAULT_VERIFICATION_POLICY, 1)).toBe(
      DEPLOYED_AT + 30 * MINUTE,
    );
    expect(stageDueAt('immediate', DEPLOYED_AT, 'A', DEFAULT_VERIFICATION_POLICY, 3)).toBe(
      DEPLOYED_AT + 60 * MINUTE,
    );
    expect(stageDueAt('short_term', DEPLOYED_AT, 'C', DEFAULT_VERIFICATION_POLICY)).toBe(
      DEPLOYED_AT + 4 * HOUR,
    );
    expect(stageDueAt('long_term', DEPLOYED_AT, 'B', DEFAULT_VERIFICATION_POLICY)).toBe(
      DEPLOYED_AT + 24 * HOUR,
    );
  });
});

describe('verification policy', () => {
  it('has the seed numbers as defaults', () => {
    const policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY;
    expect(policy.immediate).toEqual({
      judgeAfter: { A: '30m', B: '1h', C: '2h' },
      otpInCriticalMax: 0,
      p95BelowMs: 2000,
      errorsMax: 0,
      minEmails: 20,
    });
    expect(policy.shortTerm).toMatchObject({
      judgeAfter: '4h',
      precisionAtLeast: 0.95,
      recallAtLeast: 0.85,
      costRatioMax: 1,
      distributionWithinPp: 5,
    });
    expect(policy.longTerm).toMatchObject({ judgeAfter: '24h', fpRateBelowPer100: 3 });
    expect(policy.inconclusive).toEqual({ retryAfter: '15m', maxRetries: 4 });
  });

  it('fills defaults when nested into another policy, and keeps overrides', () => {
    const outer = z.strictObject({ verification: verificationPolicySchema });
    expect(outer.parse({}).verification).toEqual(DEFAULT_VERIFICATION_POLICY);
    const custom = outer.parse({ verification: { immediate: { minEmails: 5 } } }).verification;
    expect(custom.immediate.minEmails).toBe(5);
    expect(custom.immediate.p95BelowMs).toBe(2000);
  });

  it('rejects unknown fields, bad numbers and stages out of order', () => {
    expect(verificationPolicySchema.safeParse({ immediate: { p95BelowMs: -1 } }).success).toBe(false);
    expect(verificationPolicySchema.safeParse({ shortTerm: { precision: 0.9 } }).success).toBe(false);
    expect(verificationPolicySchema.safeParse({ shortTerm: { judgeAfter: '1h' } }).success).toBe(false);
    expect(verificationPolicySchema.safeParse({ longTerm: { judgeAfter: '3h' } }).success).toBe(false);
  });

  it('gives each stage its wait by procedure, as sequential waits from the deploy', () => {
    expect(stageTiming('A', DEFAULT_VERIFICATION_POLICY)).toEqual({
      immediateSeconds: 1800,
      shortTermSeconds: 3.5 * 3600,
      longTermSeconds: 20 * 3600,
    });
    expect(stageTiming('B', DEFAULT_VERIFICATION_POLICY).immediateSeconds).toBe(3600);
    expect(stageTiming('C', DEFAULT_VERIFICATION_POLICY)).toEqual({
      immediateSeconds: 7200,
      shortTermSeconds: 7200,
      longTermSeconds: 20 * 3600,
    });
  });
});
