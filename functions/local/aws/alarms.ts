import { randomUUID } from 'node:crypto';
import { aggregate, type MetricStore, type Statistic, type StatisticSet, statisticOf } from './metrics.ts';

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';

/** One AWS::CloudWatch::Alarm on a single metric, references resolved, names in camelCase. */
export interface AlarmConfig {
  arn: string;
  name: string;
  description?: string;
  namespace: string;
  metricName: string;
  dimensions?: Readonly<Record<string, string>>;
  statistic: string;
  /** Seconds. */
  period: number;
  evaluationPeriods: number;
  /** M of N; defaults to `evaluationPeriods`. */
  datapointsToAlarm?: number;
  threshold: number;
  comparisonOperator: string;
  treatMissingData?: string;
  actionsEnabled?: boolean;
  alarmActions?: readonly string[];
  okActions?: readonly string[];
  insufficientDataActions?: readonly string[];
}

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
const STATISTICS = new Set(['Sum', 'Maximum', 'Minimum', 'Average', 'SampleCount']);
const MISSING = new Set(['missing', 'notBreaching', 'breaching', 'ignore']);

function validate(alarm: AlarmConfig): void {
  const refuse = (what: string) =>
    new UnsupportedAlarmError(`alarm ${alarm.name}: ${what} is not supported locally`);
  if (!COMPARE[alarm.comparisonOperator]) throw refuse(`ComparisonOperator ${alarm.comparisonOperator}`);
  if (!STATISTICS.has(alarm.statistic)) throw refuse(`Statistic ${alarm.statistic}`);
  if (alarm.treatMissingData !== undefined && !MISSING.has(alarm.treatMissingData))
    throw refuse(`TreatMissingData ${alarm.treatMissingData}`);
  if (!(alarm.period > 0) || !(alarm.evaluationPeriods > 0))
    throw refuse('a non-positive Period or EvaluationPeriods');
  const m = alarm.datapointsToAlarm ?? alarm.evaluationPeriods;
  if (m < 1 || m > alarm.evaluationPeriods)
    throw refuse(`DatapointsToAlarm ${m} of ${alarm.evaluationPeriods}`);
}

/** `2026-12-01T09:00:00.000+0000`, CloudWatch's state timestamp format. */
const stateTimestamp = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
const eventTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const num = (n: number) => (Number.isInteger(n) ? n.toFixed(1) : String(n));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

interface Bucket {
  startMs: number;
  set?: StatisticSet;
}

/**
 * The template's metric alarms, evaluated as CloudWatch does over Period-aligned buckets:
 * M of the last N datapoints breaching → ALARM, missing buckets per TreatMissingData.
 * The newest bucket is the one holding `now` if it already has data, else the last complete one
 * (a period still being filled is not yet "missing").
 */
export class AlarmEvaluator {
  private readonly states = new Map<string, AlarmState>();

  constructor(
    private readonly alarms: readonly AlarmConfig[],
    private readonly store: MetricStore,
    private readonly where: { region: string; account: string },
    startedMs: number,
  ) {
    for (const alarm of alarms) {
      validate(alarm);
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
      if (metric && (alarm.namespace !== metric.namespace || alarm.metricName !== metric.metricName))
        continue;
      const previous = this.states.get(alarm.arn) as AlarmState;
      const next = this.judge(alarm, nowMs, previous);
      if (!next || next.value === previous.value) continue;
      this.states.set(alarm.arn, next);
      transitions.push({ alarm, previous, state: next, event: this.event(alarm, previous, next, nowMs) });
    }
    return transitions;
  }

  private buckets(alarm: AlarmConfig, nowMs: number): Bucket[] {
    const periodMs = alarm.period * 1000;
    const dimensions = alarm.dimensions ?? {};
    const at = (startMs: number): Bucket => {
      const set = aggregate(
        this.store.query(alarm.namespace, alarm.metricName, dimensions, startMs, startMs + periodMs),
      );
      return set ? { startMs, set } : { startMs };
    };
    const current = at(Math.floor(nowMs / periodMs) * periodMs);
    const newest = current.set ? current.startMs : current.startMs - periodMs;
    return Array.from({ length: alarm.evaluationPeriods }, (_, i) =>
      i === alarm.evaluationPeriods - 1 && current.set
        ? current
        : at(newest - (alarm.evaluationPeriods - 1 - i) * periodMs),
    );
  }

  private judge(alarm: AlarmConfig, nowMs: number, previous: AlarmState): AlarmState | undefined {
    const compare = COMPARE[alarm.comparisonOperator] as (typeof COMPARE)[string];
    const treat = (alarm.treatMissingData ?? 'missing') as TreatMissingData;
    const m = alarm.datapointsToAlarm ?? alarm.evaluationPeriods;
    const n = alarm.evaluationPeriods;
    const buckets = this.buckets(alarm, nowMs);
    const present = buckets.filter((b) => b.set);
    const values = present.map((b) => statisticOf(b.set as StatisticSet, alarm.statistic as Statistic));
    const breaching = values.filter((v) => compare.test(v, alarm.threshold)).length;
    const missing = n - present.length;
    const reasonData = JSON.stringify({
      version: '1.0',
      queryDate: stateTimestamp(nowMs),
      startDate: stateTimestamp((buckets[0] as Bucket).startMs),
      statistic: alarm.statistic,
      period: alarm.period,
      recentDatapoints: values,
      threshold: alarm.threshold,
      evaluatedDatapoints: present.map((b, i) => ({
        timestamp: stateTimestamp(b.startMs),
        sampleCount: b.set?.sampleCount,
        value: values[i],
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
          metrics: [
            {
              id: randomUUID(),
              metricStat: {
                metric: {
                  namespace: alarm.namespace,
                  name: alarm.metricName,
                  dimensions: { ...alarm.dimensions },
                },
                period: alarm.period,
                stat: alarm.statistic,
              },
              returnData: true,
            },
          ],
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
    Trigger: {
      MetricName: alarm.metricName,
      Namespace: alarm.namespace,
      StatisticType: 'Statistic',
      Statistic: alarm.statistic.toUpperCase(),
      Unit: null,
      Dimensions: Object.entries(alarm.dimensions ?? {}).map(([name, value]) => ({ value, name })),
      Period: alarm.period,
      EvaluationPeriods: alarm.evaluationPeriods,
      DatapointsToAlarm: alarm.datapointsToAlarm ?? alarm.evaluationPeriods,
      ComparisonOperator: alarm.comparisonOperator,
      Threshold: alarm.threshold,
      TreatMissingData: alarm.treatMissingData ?? 'missing',
      EvaluateLowSampleCountPercentile: '',
    },
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
