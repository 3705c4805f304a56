import { describe, expect, it } from 'vitest';
import { emptyBucket, type MinuteBucket } from '../../functions/core/buckets.ts';
import type { Confusion, GdsReportEvent } from '../../functions/core/events.ts';
import type { VerificationCheck } from '../../functions/core/incident/incident.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../functions/core/policy.ts';
import { wilsonInterval } from '../../functions/core/statistics/wilson.ts';
import { DEFAULT_VERIFICATION_POLICY } from '../../functions/core/verification/policy.ts';
import { type Stage, verifyStage } from '../../functions/core/verification/stages.ts';
import type { Version } from '../../functions/core/version.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DEPLOYED_AT = Date.parse('2026-11-27T10:00:00Z');
const RESTORED: Version = { model: 'gemini-1.5-flash', modelVersion: '1.5', prompt: 'v1' };
const JUDGED_AT = { short_term: DEPLOYED_AT + 4 * HOUR, long_term: DEPLOYED_AT + 24 * HOUR };
const SEQUENTIAL = parsePolicy({ statistics: { mode: 'sequential' } });

function emails(n: number, criticalFp: number): MinuteBucket {
  const critical = Math.round(n * 0.15);
  const timeSensitive = Math.round(n * 0.25);
  return {
    ...emptyBucket(DEPLOYED_AT + MINUTE),
    classified: n,
    critical,
    time_sensitive: timeSensitive,
    routine: n - critical - timeSensitive,
    criticalFp,
  };
}

function report(critical: Confusion): GdsReportEvent {
  return {
    type: 'gds_report',
    id: 'g',
    ts: DEPLOYED_AT + HOUR,
    version: RESTORED,
    dataset: 'gds-1',
    critical,
  };
}

function check(
  stage: 'short_term' | 'long_term',
  id: string,
  fields: { buckets?: MinuteBucket[]; gdsReports?: GdsReportEvent[]; policy?: typeof DEFAULT_POLICY },
): VerificationCheck {
  const result = verifyStage(stage as Stage, {
    at: JUDGED_AT[stage],
    deployedAt: DEPLOYED_AT,
    version: RESTORED,
    buckets: fields.buckets ?? [],
    gdsReports: fields.gdsReports ?? [],
    policy: fields.policy ?? DEFAULT_POLICY,
    verification: DEFAULT_VERIFICATION_POLICY,
    attempt: 1,
  });
  const found = result.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}

describe('verification intervals (threshold mode)', () => {
  it('correction_fp_rate carries the Wilson interval per 100 emails', () => {
    const result = check('long_term', 'correction_fp_rate', { buckets: [emails(400, 8)] });
    const [lo, hi] = wilsonInterval(8, 400, 0.95);
    expect(result).toMatchObject({ outcome: 'pass', value: 2 });
    expect(result.interval?.[0]).toBeCloseTo(lo * 100, 6);
    expect(result.interval?.[1]).toBeCloseTo(hi * 100, 6);
    expect(result.reason).toContain(`; 95 % CI ${(lo * 100).toFixed(1)}–${(hi * 100).toFixed(1)})`);
  });

  it('precision from a GDS report carries the interval of tp/(tp+fp)', () => {
    const result = check('short_term', 'critical_precision', {
      gdsReports: [report({ tp: 190, fp: 10, fn: 5 })],
    });
    expect(result.outcome).toBe('pass');
    expect(result.interval?.[0]).toBeCloseTo(wilsonInterval(190, 200, 0.95)[0], 6);
  });
});

describe('verification in sequential mode', () => {
  it.each([
    // H0 3 per 100 (the limit) vs H1 4.5 per 100.
    { name: '2 of 400 accepts H0', emails: 400, fp: 2, outcome: 'pass' },
    { name: '30 of 300 accepts H1', emails: 300, fp: 30, outcome: 'fail' },
    { name: '3 of 60 is undecided', emails: 60, fp: 3, outcome: 'inconclusive' },
  ] as const)('correction_fp_rate: $name', ({ emails: n, fp, outcome }) => {
    const result = check('long_term', 'correction_fp_rate', { buckets: [emails(n, fp)], policy: SEQUENTIAL });
    expect(result.outcome).toBe(outcome);
    expect(result.reason).toContain('SPRT 3 per 100 vs 4.5 per 100');
  });

  it('precision exactly at the limit on 200 labels stays inconclusive instead of passing', () => {
    const gdsReports = [report({ tp: 190, fp: 10, fn: 5 })];
    expect(check('short_term', 'critical_precision', { gdsReports }).outcome).toBe('pass');
    const result = check('short_term', 'critical_precision', { gdsReports, policy: SEQUENTIAL });
    expect(result.outcome).toBe('inconclusive');
    expect(result.reason).toMatch(/log-LR -1\.0\d between ln B/);
  });

  it('a clearly good report passes', () => {
    const result = check('short_term', 'critical_precision', {
      gdsReports: [report({ tp: 300, fp: 3, fn: 5 })],
      policy: SEQUENTIAL,
    });
    expect(result.outcome).toBe('pass');
  });
});
