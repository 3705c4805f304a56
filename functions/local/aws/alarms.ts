import { randomUUID } from 'node:crypto';
import { type AlarmConfig, isMetricMath } from './alarm-config.ts';
import {
  type AlarmDatapoint,
  type AlarmSource,
  alarmSource,
  slidingWindowStarts,
} from './alarm-datapoints.ts';
import { eventConfigurationMetrics, notificationTrigger } from './alarm-messages.ts';
import type { MetricStore } from './metrics.ts';

export type { AlarmConfig, MetricDataQuery } from './alarm-config.ts';

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';

export interface AlarmState {
  value: AlarmStateValue;
  reason: string;
  reasonData?: string;
  timestamp: string;
}

/** The real EventBridge event CloudWatch sends on every state change. */
export interface AlarmStateChangeEvent {
  version: '0';
  id: string;
  'detail-type': 'CloudWatch Alarm State Change';
  source: 'aws.cloudwatch';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    alarmName: string;
    state: AlarmState;
    previousState: AlarmState;
    configuration: { description?: string; metrics: unknown[] };
  };
}

export interface AlarmTransition {
  alarm: AlarmConfig;
  previous: AlarmState;
  state: AlarmState;
  event: AlarmStateChangeEvent;
}

/** A template alarm this evaluator cannot evaluate faithfully: refused when the gateway starts. */
export class UnsupportedAlarmError extends Error {
  override readonly name = 'UnsupportedAlarmError';
}

const COMPARE: Record<string, { test: (v: number, t: number) => boolean; words: string }> = {
  GreaterThanThreshold: { test: (v, t) => v > t, words: 'greater than' },
  GreaterThanOrEqualToThreshold: { test: (v, t) => v >= t, words: 'greater than or equal to' },
  LessThanThreshold: { test: (v, t) => v < t, words: 'less than' },
  LessThanOrEqualToThreshold: { test: (v, t) => v <= t, words: 'less than or equal to' },
};
const MISSING = new Set(['missing', 'notBreaching', 'breaching', 'ignore']);

function validate(alarm: AlarmConfig): AlarmSource {
  const refuse = (what: string) =>
    new UnsupportedAlarmError(`alarm ${alarm.name}: ${what} is not supported locally`);
  if (!COMPARE[alarm.comparisonOperator]) throw refuse(`ComparisonOperator ${alarm.comparisonOperator}`);
  if (alarm.treatMissingData !== undefined && !MISSING.has(alarm.treatMissingData))
    throw refuse(`TreatMissingData ${alarm.treatMissingData}`);
  if (alarm.evaluationWindow === 'WallClockWindow') throw refuse('EvaluationWindow WallClockWindow');
  let source: AlarmSource;
  try {
    source = alarmSource(alarm);
  } catch (error) {
    throw refuse((error as Error).message);
  }
  if (!(source.period > 0) || !(alarm.evaluationPeriods > 0))
    throw refuse('a non-positive Period or EvaluationPeriods');
  const m = alarm.datapointsToAlarm ?? alarm.evaluationPeriods;
  if (m < 1 || m > alarm.evaluationPeriods)
    throw refuse(`DatapointsToAlarm ${m} of ${alarm.evaluationPeriods}`);
  return source;
}

/** `2026-12-01T09:00:00.000+0000`, CloudWatch's state timestamp format. */
const stateTimestamp = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
const eventTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const num = (n: number) => (Number.isInteger(n) ? n.toFixed(1) : String(n));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The template's metric alarms (one metric, or metric math), evaluated as CloudWatch does: N
 * periods of a sliding window ending at the evaluation (alarm-datapoints.ts), M of those N
 * datapoints breaching → ALARM, missing datapoints per TreatMissingData.
 */
export class AlarmEvaluator {
  private readonly states = new Map<string, AlarmState>();
  private readonly sources = new Map<string, AlarmSource>();

  constructor(
    private readonly alarms: readonly AlarmConfig[],
    private readonly store: MetricStore,
    private readonly where: { region: string; account: string },
    startedMs: number,
  ) {
    for (const alarm of alarms) {
      this.sources.set(alarm.arn, validate(alarm));
      this.states.set(alarm.arn, {
        value: 'INSUFFICIENT_DATA',
        reason: 'Unchecked: Initial alarm creation',
        timestamp: stateTimestamp(startedMs),
      });
    }
  }

  state(alarmName: string): AlarmState | undefined {
    const alarm = this.alarms.find((a) => a.name === alarmName);
    return alarm && this.states.get(alarm.arn);
  }

  /** Evaluates the alarms (only those on `metric`, if given) at `nowMs`; returns the state changes. */
  evaluate(nowMs: number, metric?: { namespace: string; metricName: string }): AlarmTransition[] {
    const transitions: AlarmTransition[] = [];
    for (const alarm of this.alarms) {
      const source = this.sources.get(alarm.arn) as AlarmSource;
      const reads = (m: { namespace: string; metricName: string }) =>
        m.namespace === metric?.namespace && m.metricName === metric.metricName;
      if (metric && !source.metrics.some(reads)) continue;
      const previous = this.states.get(alarm.arn) as AlarmState;
      const next = this.judge(alarm, source, nowMs, previous);
      if (!next || next.value === previous.value) continue;
      this.states.set(alarm.arn, next);
      transitions.push({ alarm, previous, state: next, event: this.event(alarm, previous, next, nowMs) });
    }
    return transitions;
  }

  private judge(
    alarm: AlarmConfig,
    source: AlarmSource,
    nowMs: number,
    previous: AlarmState,
  ): AlarmState | undefined {
    const compare = COMPARE[alarm.comparisonOperator] as (typeof COMPARE)[string];
    const treat = (alarm.treatMissingData ?? 'missing') as TreatMissingData;
    const m = alarm.datapointsToAlarm ?? alarm.evaluationPeriods;
    const n = alarm.evaluationPeriods;
    const windows = slidingWindowStarts(source, n, nowMs, this.store);
    const present = source.datapoints(this.store, windows).filter((b) => b.value !== undefined);
    const values = present.map((b) => b.value as number);
    const breaching = values.filter((v) => compare.test(v, alarm.threshold)).length;
    const missing = n - present.length;
    const reasonData = JSON.stringify({
      version: '1.0',
      queryDate: stateTimestamp(nowMs),
      startDate: stateTimestamp(windows[0] as number),
      ...(isMetricMath(alarm) ? {} : { statistic: alarm.statistic }),
      period: source.period,
      recentDatapoints: values,
      threshold: alarm.threshold,
      evaluatedDatapoints: present.map((b: AlarmDatapoint) => ({
        timestamp: stateTimestamp(b.startMs),
        ...(b.sampleCount === undefined ? {} : { sampleCount: b.sampleCount }),
        value: b.value,
      })),
    });
    const state = (value: AlarmStateValue, reason: string): AlarmState => ({
      value,
      reason,
      reasonData,
      timestamp: stateTimestamp(nowMs),
    });
    if (present.length === 0) {
      const periods = `no datapoints were received for ${plural(n, 'period')}`;
      if (treat === 'ignore') return undefined;
      if (treat === 'missing') return state('INSUFFICIENT_DATA', `Insufficient Data: ${periods}.`);
      const as = treat === 'breaching' ? 'Breaching' : 'NonBreaching';
      const value = treat === 'breaching' && m <= n ? 'ALARM' : 'OK';
      return state(
        value,
        `Threshold Crossed: ${periods} and ${plural(n, 'missing datapoint')} ${n === 1 ? 'was' : 'were'} treated as [${as}].`,
      );
    }
    // IGNORE with too few real datapoints, all breaching: undecided, the state is retained
    // (CloudWatch User Guide, "How alarm state is evaluated when data is missing", IGNORE column).
    if (treat === 'ignore' && breaching === present.length && breaching < m) return undefined;
    const counted = breaching + (treat === 'breaching' ? missing : 0);
    const listed = present
      .map(
        (b, i) =>
          `${num(values[i] as number)} (${new Date(b.startMs).toISOString().slice(0, 19).replace('T', ' ')})`,
      )
      .join(', ');
    const value: AlarmStateValue = counted >= m ? 'ALARM' : 'OK';
    if (value === previous.value) return undefined;
    const subject =
      value === 'ALARM'
        ? `${plural(counted, 'datapoint')} ${counted === 1 ? 'was' : 'were'} ${compare.words}`
        : `${plural(present.length - breaching, 'datapoint')} ${present.length - breaching === 1 ? 'was' : 'were'} not ${compare.words}`;
    return state(
      value,
      `Threshold Crossed: ${subject} the threshold (${num(alarm.threshold)}) out of the last ${plural(n, 'datapoint')} [${listed}] (minimum ${plural(m, 'datapoint')} for OK -> ALARM transition).`,
    );
  }

  private event(
    alarm: AlarmConfig,
    previous: AlarmState,
    state: AlarmState,
    nowMs: number,
  ): AlarmStateChangeEvent {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: this.where.account,
      time: eventTime(nowMs),
      region: this.where.region,
      resources: [alarm.arn],
      detail: {
        alarmName: alarm.name,
        state,
        previousState: previous,
        configuration: {
          ...(alarm.description !== undefined ? { description: alarm.description } : {}),
          metrics: eventConfigurationMetrics(alarm),
        },
      },
    };
  }
}

/** The JSON message CloudWatch publishes to an alarm's SNS actions, and its subject line. */
export function alarmNotification(transition: AlarmTransition, where: { region: string; account: string }) {
  const { alarm, previous, state } = transition;
  const message = {
    AlarmName: alarm.name,
    AlarmDescription: alarm.description ?? null,
    AWSAccountId: where.account,
    AlarmConfigurationUpdatedTimestamp: previous.timestamp,
    NewStateValue: state.value,
    NewStateReason: state.reason,
    StateChangeTime: state.timestamp,
    Region: where.region,
    AlarmArn: alarm.arn,
    OldStateValue: previous.value,
    OKActions: alarm.okActions ?? [],
    AlarmActions: alarm.alarmActions ?? [],
    InsufficientDataActions: alarm.insufficientDataActions ?? [],
    Trigger: notificationTrigger(alarm),
  };
  // CloudWatch names the region ("EU (Ireland)"); locally the region code stands in for it.
  const subject = `${state.value}: "${alarm.name}" in ${where.region}`.slice(0, 100);
  return { subject, message: JSON.stringify(message) };
}

export const alarmActionsFor = (alarm: AlarmConfig, value: AlarmStateValue): readonly string[] =>
  alarm.actionsEnabled === false
    ? []
    : value === 'ALARM'
      ? (alarm.alarmActions ?? [])
      : value === 'OK'
        ? (alarm.okActions ?? [])
        : (alarm.insufficientDataActions ?? []);
