/**
 * The latency alarm as synthesized: metric math on the exact counts ingest publishes, over the
 * policy's rolling window, so it judges "p95 > T" as the evaluator does.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Resource, synthTemplate } from './synth.ts';

function latencyAlarm(template: Template): Record<string, unknown> {
  const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>);
  const found = alarms.filter(([id]) => id.startsWith('TriggersClassificationLatencyP95Alarm'));
  expect(found).toHaveLength(1);
  return (found[0] as [string, Resource])[1].Properties;
}

const countOf = (id: string, metricName: string, period: number) => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: 'RollbackSentinel', MetricName: metricName },
    Period: period,
    Stat: 'Sum',
  },
  ReturnData: false,
});

describe('latency alarm (default policy)', () => {
  let template: Template;
  beforeAll(() => {
    template = synthTemplate();
  });

  it('alarms when more than 5 % of a 10-minute window (20+ samples) is above 3000 ms, in 2 of 2 windows', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        {
          Id: 'expr_1',
          Expression: 'IF(samples >= 20, 100 * above / samples)',
          Label: Match.anyValue(),
          ReturnData: true,
        },
        countOf('samples', 'ClassificationLatencySamples', 600),
        countOf('above', 'ClassificationLatencyAboveBreach', 600),
      ],
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'ignore',
      // SlidingWindow is CloudWatch's default; the local CloudWatch evaluates that when it is absent.
      EvaluationWindow: Match.absent(),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^NotificationsAlerts') }],
    });
  });

  it('has no single-metric fields beside its Metrics (CloudFormation takes one or the other)', () => {
    const properties = latencyAlarm(template);
    for (const field of ['MetricName', 'Namespace', 'Statistic', 'Period', 'Dimensions']) {
      expect(properties, field).not.toHaveProperty(field);
    }
  });
});

describe('latency alarm thresholds come from the policy', () => {
  it('follows thresholdMs, rollingWindow, minSamplesPerWindow and warningAboveMinutes', () => {
    const policy = {
      triggers: {
        latency_p95: {
          thresholdMs: 2500,
          rollingWindow: '1m',
          minSamplesPerWindow: 5,
          warningAboveMinutes: 7,
        },
      },
    };
    const properties = latencyAlarm(synthTemplate({ context: { policy: JSON.stringify(policy) } }));
    expect(properties).toMatchObject({
      Metrics: [
        { Expression: 'IF(samples >= 5, 100 * above / samples)', ReturnData: true },
        countOf('samples', 'ClassificationLatencySamples', 60),
        countOf('above', 'ClassificationLatencyAboveBreach', 60),
      ],
      Threshold: 5,
      // Per-minute windows: the streak of more than 7 slow minutes is 8 of 8.
      EvaluationPeriods: 8,
      DatapointsToAlarm: 8,
    });
    expect(properties.AlarmDescription).toMatch(/above 2500 ms/);
  });

  it('refuses a streak longer than CloudWatch can evaluate (145 periods of 10 minutes)', () => {
    const policy = {
      triggers: { latency_p95: { warningAboveMinutes: 1440, breachAboveMinutes: 1440 } },
    };
    expect(() => synthTemplate({ context: { policy: JSON.stringify(policy) } })).toThrow(
      /exceed CloudWatch's 86400 s evaluation window/,
    );
  });
});
