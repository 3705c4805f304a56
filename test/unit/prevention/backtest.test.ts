import { describe, expect, it } from 'vitest';
import { aggregateEvents, seriesKey } from '../../../functions/core/aggregate.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../../functions/core/policy.ts';
import { compareReplays, prepareHistory, replay } from '../../../functions/core/prevention/backtest.ts';
import { renderBacktestSvg } from '../../../functions/core/prevention/backtest-chart.ts';
import { evaluateVersion } from '../../../functions/core/triggers/evaluate.ts';
import { BAD, DAY, GOOD, history, MINUTE, START } from '../../support/prevention-history.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const DEPLOY = START + 5 * DAY;

describe('backtest over a synthetic 7-day history', () => {
  it('reports the exact minute an OTP in critical would have rolled the bad version back', () => {
    const otpAt = DEPLOY + 137 * MINUTE;
    const run = replay(
      prepareHistory(aggregateEvents(history({ days: 7, deployAt: DEPLOY, otpAt }))),
      DEFAULT_POLICY,
      {
        stepMs: MINUTE,
      },
    );
    expect(run.report.steps).toBe(7 * 1440);
    expect(run.report.firstRollback).toEqual({ at: iso(otpAt), version: BAD, triggers: ['otp_in_critical'] });
    const bad = run.report.versions.find((v) => v.version.prompt === 'v3');
    const good = run.report.versions.find((v) => v.version.prompt === 'v2');
    expect(bad?.triggers.find((t) => t.id === 'otp_in_critical')).toMatchObject({
      firstWarning: iso(otpAt),
      firstBreach: iso(otpAt),
      breach: { value: 1, threshold: 0 },
    });
    expect(bad?.activeFrom).toBe(iso(DEPLOY));
    expect(bad?.timeline.map((c) => [c.at, c.decision])).toEqual([
      [iso(DEPLOY), 'none'],
      [iso(otpAt), 'rollback'],
      // without a rollback, the OTP email leaves the 24 h window a day later
      [iso(otpAt + DAY), 'none'],
    ]);
    // the healthy version never breaches anything; its last bucket (DEPLOY − 1 min) stays within
    // the 15 min activeWithin window (at − 15 min, at] up to DEPLOY + 13 min
    expect(good?.triggers.every((t) => t.firstBreach === null)).toBe(true);
    expect(good?.activeTo).toBe(iso(DEPLOY + 13 * MINUTE));
  });

  it('reports a latency regression at warning after 11 and breach after 31 slow minutes', () => {
    const slowFrom = DEPLOY + 600 * MINUTE;
    const events = history({ days: 7, deployAt: DEPLOY, slowFrom });
    const run = replay(prepareHistory(aggregateEvents(events)), DEFAULT_POLICY, {
      stepMs: MINUTE,
      trace: true,
    });
    const bad = run.report.versions.find((v) => v.version.prompt === 'v3');
    expect(bad?.triggers.find((t) => t.id === 'latency_p95')).toMatchObject({
      firstWarning: iso(slowFrom + 10 * MINUTE),
      firstBreach: iso(slowFrom + 30 * MINUTE),
    });
    expect(bad?.timeline.map((c) => [c.at, c.decision])).toEqual([
      [iso(DEPLOY), 'none'],
      [iso(slowFrom + 10 * MINUTE), 'watch'],
      [iso(slowFrom + 30 * MINUTE), 'investigate'],
    ]);
    expect(run.report.firstRollback).toBeNull();
    // the same answer from the full evaluator, one minute either side of the breach
    const aggregate = aggregateEvents(events);
    const buckets = [...(aggregate.series.get(seriesKey(BAD))?.buckets.values() ?? [])];
    const full = (at: number) =>
      evaluateVersion({
        at,
        version: BAD,
        buckets,
        gdsReports: aggregate.gdsReports,
        policy: DEFAULT_POLICY,
      });
    expect(full(slowFrom + 29 * MINUTE).decision).toBe('watch');
    expect(full(slowFrom + 30 * MINUTE).decision).toBe('investigate');
    const svg = renderBacktestSvg(run.report, run.traces);
    expect(svg).toContain('latency_p95');
    expect(svg).toContain('investigate');
    expect(svg.startsWith('<svg')).toBe(true);
  });

  it('shows how a stricter latency policy moves detection earlier (--compare)', () => {
    const slowFrom = DEPLOY + 600 * MINUTE;
    const prepared = prepareHistory(aggregateEvents(history({ days: 7, deployAt: DEPLOY, slowFrom })));
    const stricter = parsePolicy({ triggers: { latency_p95: { breachAboveMinutes: 15 } } });
    const a = replay(prepared, DEFAULT_POLICY, { stepMs: MINUTE }).report;
    const b = replay(prepared, stricter, { stepMs: MINUTE }).report;
    const latency = compareReplays(a, b).find(
      (c) => c.version.prompt === 'v3' && c.trigger === 'latency_p95',
    );
    expect(latency).toMatchObject({
      first: iso(slowFrom + 30 * MINUTE),
      second: iso(slowFrom + 15 * MINUTE),
      deltaMinutes: -15,
    });
  });

  it('never counts shadow traffic: a shadow OTP in critical rolls nothing back', () => {
    const events = history({ days: 1, deployAt: START + 2 * DAY });
    events.push({
      type: 'classification',
      id: 'shadow-otp',
      ts: START + 300 * MINUTE,
      version: GOOD,
      importance: 'critical',
      otp: true,
      shadow: true,
      emailId: 'e-1500',
    });
    const aggregate = aggregateEvents(events);
    expect(aggregate.series.get(seriesKey(GOOD, true))?.buckets.size).toBe(1);
    const run = replay(prepareHistory(aggregate), DEFAULT_POLICY, { stepMs: MINUTE });
    expect(run.report.firstRollback).toBeNull();
    const live = [...(aggregate.series.get(seriesKey(GOOD))?.buckets.values() ?? [])];
    const at = START + 301 * MINUTE;
    const evaluation = evaluateVersion({
      at,
      version: GOOD,
      buckets: live,
      gdsReports: [],
      policy: DEFAULT_POLICY,
    });
    expect(evaluation.triggers.find((t) => t.id === 'otp_in_critical')?.value).toBe(0);
  });

  it('honours --from/--to/--step and rejects an empty range', () => {
    const prepared = prepareHistory(aggregateEvents(history({ days: 1, deployAt: START + 2 * DAY })));
    const run = replay(prepared, DEFAULT_POLICY, {
      stepMs: 5 * MINUTE,
      from: START + 60 * MINUTE,
      to: START + 120 * MINUTE,
    });
    expect(run.report.steps).toBe(13);
    expect(() => replay(prepared, DEFAULT_POLICY, { stepMs: MINUTE, from: START + DAY, to: START })).toThrow(
      /before --from/,
    );
    expect(() => replay(prepareHistory(aggregateEvents([])), DEFAULT_POLICY, { stepMs: MINUTE })).toThrow(
      /no live classification events/,
    );
  });
});
