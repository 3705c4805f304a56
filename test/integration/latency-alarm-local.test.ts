/**
 * The synthesized latency alarm, evaluated by the local CloudWatch on exactly what ingest
 * publishes, minute by minute, next to the evaluator's latency_p95 trigger on the same traffic.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregateEvents, emptyAggregate, seriesKey } from '../../functions/core/aggregate.ts';
import type { MinuteBucket } from '../../functions/core/buckets.ts';
import { ingestMetricData } from '../../functions/core/ingest-metrics.ts';
import { latencyCuts, triggerCut } from '../../functions/core/latency-cuts.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import { evaluateLatencyP95 } from '../../functions/core/triggers/latency-p95.ts';
import type { Outcome } from '../../functions/core/triggers/types.ts';
import type { AlarmConfig } from '../../functions/local/aws/alarm-config.ts';
import {
  AlarmEvaluator,
  type AlarmStateValue,
  type AlarmTransition,
  alarmNotification,
} from '../../functions/local/aws/alarms.ts';
import { type Datapoint, MetricStore } from '../../functions/local/aws/metrics.ts';
import { toAlarmConfig } from '../../functions/local/stack/template-alarms.ts';
import { METRICS_NAMESPACE } from '../../lib/triggers.ts';
import { type Resource, synthTemplate } from '../infra/synth.ts';
import { classification, input, MINUTE, VERSION } from '../unit/trigger-fixtures.ts';

const T0 = Date.parse('2026-11-27T08:00:00Z');
const WHERE = { region: 'eu-west-1', account: '000000000000' };
const ARN = `arn:aws:cloudwatch:${WHERE.region}:${WHERE.account}:alarm:latency`;

let alarm: AlarmConfig;
beforeAll(() => {
  const alarms = synthTemplate().findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>;
  const [, latency] = Object.entries(alarms).find(([id]) => id.includes('LatencyP95')) as [string, Resource];
  alarm = toAlarmConfig('latency', ARN, latency.Properties);
});

/** The runbook's 5,000 emails a day: 3 and 4 calls in alternate minutes (≈ 3.5 a minute). */
const lowTraffic = (minute: number) => (minute % 2 === 0 ? 3 : 4);

interface Minute {
  minute: number;
  alarm: AlarmStateValue;
  evaluator: Outcome;
  streak: number | null;
}

/**
 * Runs `minutes` minutes from T0: each minute's `calls(m)` calls (the i-th `latencyAt(m, i)` ms)
 * are ingested as one batch, their metric data stored, and both judged at the minute's end.
 */
function run(
  minutes: number,
  latencyAt: (minute: number, call: number) => number,
  calls: (minute: number) => number = lowTraffic,
): { timeline: Minute[]; transitions: AlarmTransition[] } {
  const store = new MetricStore();
  const evaluator = new AlarmEvaluator([alarm], store, WHERE, T0);
  const buckets: MinuteBucket[] = [];
  const timeline: Minute[] = [];
  const transitions: AlarmTransition[] = [];
  for (let m = 0; m < minutes; m += 1) {
    const start = T0 + m * MINUTE;
    const events = Array.from({ length: calls(m) }, (_, i) =>
      classification({ ts: start + i * 1000, latencyMs: latencyAt(m, i) }),
    );
    const aggregate = aggregateEvents(events, emptyAggregate(latencyCuts(DEFAULT_POLICY)));
    const written = events.length > 0 ? [{ series: seriesKey(VERSION), minute: start }] : [];
    buckets.push(...(aggregate.series.get(seriesKey(VERSION))?.buckets.values() ?? []));
    store.put(ingestMetricData(aggregate, written, triggerCut(DEFAULT_POLICY)).map(toDatapoint));
    const at = start + 59_000;
    transitions.push(...evaluator.evaluate(at));
    const result = evaluateLatencyP95(input({ at, buckets }));
    const state = evaluator.state('latency')?.value as AlarmStateValue;
    timeline.push({ minute: m, alarm: state, evaluator: result.outcome, streak: result.value });
  }
  return { timeline, transitions };
}

/** What PutMetricData with a single Value stores. */
function toDatapoint(datum: ReturnType<typeof ingestMetricData>[number]): Datapoint {
  const v = datum.value;
  return {
    namespace: METRICS_NAMESPACE,
    metricName: datum.name,
    dimensions: datum.dimensions ?? {},
    timestampMs: datum.timestamp.getTime(),
    sampleCount: 1,
    sum: v,
    minimum: v,
    maximum: v,
    unit: datum.unit,
  };
}

const firstAlarm = (timeline: Minute[]) => timeline.find((m) => m.alarm === 'ALARM')?.minute;
const firstWarning = (timeline: Minute[]) =>
  timeline.find((m) => m.evaluator === 'warning' || m.evaluator === 'breach')?.minute;
const raised = (m: Minute) => m.evaluator === 'warning' || m.evaluator === 'breach';

describe('local CloudWatch evaluates the template latency alarm', () => {
  it('counts 3000 ms exactly as not above 3 s; 3001 ms is', () => {
    const atThreshold = run(60, () => 3000).timeline;
    expect(atThreshold.filter((m) => m.alarm === 'ALARM')).toEqual([]);
    expect(atThreshold.filter(raised)).toEqual([]);
    const above = run(60, () => 3001).timeline;
    // Windows need 20 samples: the first is the one ending at minute 5; 11 slow windows by minute 15.
    expect(firstAlarm(above)).toBe(15);
    expect(firstWarning(above)).toBe(15);
  });

  it('goes to ALARM at ≈ 3.5 calls a minute, 10 minutes into a 6 s slowdown, and stays there', () => {
    const slowFrom = 60;
    const { timeline, transitions } = run(100, (m) => (m < slowFrom ? 900 : 6000));
    expect(timeline.slice(20, slowFrom).every((m) => m.alarm === 'OK')).toBe(true);
    expect(firstAlarm(timeline)).toBe(slowFrom + 10);
    expect(timeline.slice(slowFrom + 10).every((m) => m.alarm === 'ALARM')).toBe(true);
    expect(transitions.map((t) => t.state.value)).toEqual(['OK', 'ALARM']);
    // After 30 slow minutes the evaluator breaches; the alarm has been in ALARM since minute 10.
    expect(timeline[slowFrom + 31]).toMatchObject({ alarm: 'ALARM', evaluator: 'breach' });
  });

  it('sends the metric-math configuration in the state-change event and the SNS message', () => {
    const { transitions } = run(75, (m) => (m < 60 ? 900 : 6000));
    const toAlarm = transitions.find((t) => t.state.value === 'ALARM') as AlarmTransition;
    expect(toAlarm.event.detail.configuration.metrics).toEqual([
      expect.objectContaining({
        id: 'expr_1',
        expression: 'IF(samples >= 20, 100 * above / samples)',
        returnData: true,
      }),
      expect.objectContaining({
        id: 'samples',
        returnData: false,
        metricStat: expect.objectContaining({ period: 600, stat: 'Sum' }),
      }),
      expect.objectContaining({ id: 'above', returnData: false }),
    ]);
    expect(JSON.parse(toAlarm.state.reasonData as string)).toMatchObject({ period: 600, threshold: 5 });
    const trigger = JSON.parse(alarmNotification(toAlarm, WHERE).message).Trigger;
    expect(trigger).toMatchObject({ EvaluationPeriods: 2, Threshold: 5, TreatMissingData: 'ignore' });
    expect(trigger.Metrics[1].MetricStat.Metric.MetricName).toBe('ClassificationLatencySamples');
  });
});

describe('the alarm and the evaluator agree', () => {
  /** Minute by minute: the alarm in ALARM exactly when the trigger warns or breaches. */
  const agree = (timeline: Minute[]) =>
    expect(timeline.filter((m) => (m.alarm === 'ALARM') !== raised(m)).map((m) => m.minute)).toEqual([]);

  it('on a slowdown that recovers', () => {
    agree(run(120, (m) => (m >= 40 && m < 80 ? 4500 : 800)).timeline);
  });

  it('on 1 slow call in 10 (10 %, slow) and 1 in 20 (exactly 5 %, not slow)', () => {
    const tenth = run(
      90,
      (m, i) => (m >= 30 && i === 0 ? 5000 : 800),
      () => 10,
    ).timeline;
    // The window ending at minute 35 is the first with more than 5 of its 100 calls slow (6).
    expect(firstAlarm(tenth)).toBe(45);
    agree(tenth);
    // One slow call in every other minute of 10: every 10-minute window holds 5 of 100.
    const twentieth = run(
      90,
      (m, i) => (m % 2 === 0 && i === 0 ? 5000 : 800),
      () => 10,
    ).timeline;
    expect(firstAlarm(twentieth)).toBeUndefined();
    agree(twentieth);
  });

  it('across a traffic gap: thin and empty windows neither extend nor break the streak', () => {
    const gap = (m: number) => (m >= 50 && m < 65 ? 0 : lowTraffic(m));
    const { timeline } = run(100, (m) => (m >= 30 ? 6000 : 800), gap);
    expect(timeline[60]).toMatchObject({ alarm: 'ALARM', evaluator: 'warning' });
    agree(timeline);
  });

  it('never fires later than the evaluator when latency flaps (seeded)', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const slow = Array.from({ length: 240 }, () => random() < 0.08);
    const { timeline } = run(
      240,
      (m) => (slow[m] ? 3200 : 2900),
      () => 4,
    );
    expect(timeline.some(raised)).toBe(true);
    // Every minute the trigger raises, the alarm is in ALARM (traffic in every minute).
    expect(timeline.filter((m) => raised(m) && m.alarm !== 'ALARM').map((m) => m.minute)).toEqual([]);
  });
});
