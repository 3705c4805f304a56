import {
  CloudWatchClient,
  GetMetricDataCommand,
  PutMetricDataCommand,
  type PutMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudWatchMetricsPublisher } from '../../functions/adapters/cloudwatch-metrics-publisher.ts';
import type { AlarmConfig, AlarmStateChangeEvent } from '../../functions/local/aws/alarms.ts';
import type { EventRule, LambdaPermission } from '../../functions/local/aws/event-bus.ts';
import {
  type AwsGateway,
  type AwsGatewayOptions,
  startAwsGateway,
} from '../../functions/local/aws/gateway.ts';
import type { Statement } from '../../functions/local/aws/iam.ts';
import type { PublishedMessage } from '../../functions/local/aws/sns.ts';
import { ACCOUNT, principal, REGION, rejection, sdkConfig } from '../support/aws-gateway.ts';

const NS = 'RollbackSentinel';
const T0 = Date.parse('2026-11-27T10:00:00Z');
const MIN = 60_000;
const alarmArn = (name: string) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`;
const PAGES = `arn:aws:sns:${REGION}:${ACCOUNT}:pages`;
const ALERTS = `arn:aws:sns:${REGION}:${ACCOUNT}:alerts`;
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/k-1`;
const DISPATCHER = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:dispatcher`;
const TO_DISPATCHER = `arn:aws:events:${REGION}:${ACCOUNT}:rule/AlarmToDispatcher`;
const WORKFLOW_ENDED = `arn:aws:events:${REGION}:${ACCOUNT}:rule/WorkflowEnded`;
const MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:rollback`;

const otpAlarm: AlarmConfig = {
  arn: alarmArn('OtpInCritical'),
  name: 'OtpInCritical',
  namespace: NS,
  metricName: 'OtpInCritical',
  statistic: 'Sum',
  period: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 0,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
  alarmActions: [PAGES],
};
const latencyAlarm: AlarmConfig = {
  arn: alarmArn('LatencyMax'),
  name: 'LatencyMax',
  namespace: NS,
  metricName: 'ClassificationLatencyMax',
  statistic: 'Maximum',
  period: 60,
  evaluationPeriods: 10,
  datapointsToAlarm: 10,
  threshold: 3000,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
  alarmActions: [ALERTS],
};
const sslOnly = (topic: string): Statement => ({
  Effect: 'Deny',
  Principal: '*',
  Action: 'sns:Publish',
  Resource: topic,
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});
const serviceMayUseKey = (service: string): Statement => ({
  Effect: 'Allow',
  Principal: { Service: service },
  Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
  Resource: '*',
});
// As in the template: pages lets EventBridge publish, not CloudWatch; alerts (here) lets the alarms.
const topics = [
  {
    arn: PAGES,
    kmsKeyArn: KEY,
    policy: [
      sslOnly(PAGES),
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: PAGES,
      },
    ] as Statement[],
  },
  {
    arn: ALERTS,
    kmsKeyArn: KEY,
    policy: [
      sslOnly(ALERTS),
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: ALERTS,
        Condition: {
          ArnLike: { 'aws:SourceArn': alarmArn('*') },
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
        },
      },
    ] as Statement[],
  },
];
const keys = [
  {
    arn: KEY,
    policy: [serviceMayUseKey('cloudwatch.amazonaws.com'), serviceMayUseKey('events.amazonaws.com')],
  },
];
const rules: EventRule[] = [
  {
    arn: TO_DISPATCHER,
    eventPattern: {
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      resources: [otpAlarm.arn, latencyAlarm.arn],
      detail: { state: { value: ['ALARM'] } },
    },
    targets: [{ id: 'Target0', arn: DISPATCHER }],
  },
  {
    arn: WORKFLOW_ENDED,
    eventPattern: {
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { stateMachineArn: [MACHINE], status: ['TIMED_OUT', 'ABORTED'] },
    },
    targets: [
      {
        id: 'Target0',
        arn: PAGES,
        inputTransformer: {
          inputPathsMap: { 'detail-name': '$.detail.name', 'detail-status': '$.detail.status' },
          inputTemplate:
            '"Rollback workflow execution <detail-name> ended <detail-status> without escalating."',
        },
      },
    ],
  },
];
const permitDispatcher: LambdaPermission = {
  functionArn: DISPATCHER,
  action: 'lambda:InvokeFunction',
  principal: 'events.amazonaws.com',
  sourceArn: TO_DISPATCHER,
};
const ingest = principal('ingest-fn', [
  {
    Effect: 'Allow',
    Action: 'cloudwatch:PutMetricData',
    Resource: '*',
    Condition: { StringEquals: { 'cloudwatch:namespace': NS } },
  },
]);

let gateway: AwsGateway | undefined;
let now = T0;
const invoked: { functionArn: string; event: AlarmStateChangeEvent }[] = [];
const published: PublishedMessage[] = [];

async function start(overrides: Partial<AwsGatewayOptions> = {}): Promise<AwsGateway> {
  now = T0;
  invoked.length = 0;
  published.length = 0;
  gateway = await startAwsGateway({
    region: REGION,
    account: ACCOUNT,
    principals: [ingest],
    topics,
    keys,
    alarms: [otpAlarm, latencyAlarm],
    rules,
    lambdaPermissions: [permitDispatcher],
    invokeLambda: (functionArn, event) => {
      invoked.push({ functionArn, event: event as AlarmStateChangeEvent });
    },
    onPublish: (message) => published.push(message),
    clock: () => now,
    ...overrides,
  });
  return gateway;
}

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function put(g: AwsGateway, metricName: string, value: number, at = now, namespace = NS) {
  const client = new CloudWatchClient(sdkConfig(g.endpoint, ingest));
  const input: PutMetricDataCommandInput = {
    Namespace: namespace,
    MetricData: [{ MetricName: metricName, Value: value, Unit: 'Count', Timestamp: new Date(at) }],
  };
  try {
    await client.send(new PutMetricDataCommand(input));
  } finally {
    client.destroy();
  }
  await g.settled();
}

describe('AWS gateway: CloudWatch PutMetricData', () => {
  it('stores data in the granted namespace and refuses other namespaces', async () => {
    const g = await start();
    await put(g, 'OtpInCritical', 0, T0 + 1500);
    expect(g.datapoints()).toEqual([
      expect.objectContaining({
        namespace: NS,
        metricName: 'OtpInCritical',
        timestampMs: T0 + 1500,
        sum: 0,
        sampleCount: 1,
      }),
    ]);
    const error = await rejection(put(g, 'OtpInCritical', 1, now, 'SomethingElse'));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(
      'ingest-fn is not authorized to perform: cloudwatch:PutMetricData on resource: *',
    );
    expect(g.datapoints()).toHaveLength(1);
  });

  it('works with the real CloudWatchMetricsPublisher adapter (Values, dimensions)', async () => {
    const g = await start();
    const client = new CloudWatchClient(sdkConfig(g.endpoint, ingest));
    await new CloudWatchMetricsPublisher(client, NS).publish([
      {
        name: 'ClassificationLatencyMax',
        value: 850,
        unit: 'Milliseconds',
        timestamp: new Date(T0),
        dimensions: { prompt: 'v2' },
      },
    ]);
    client.destroy();
    expect(g.datapoints()).toEqual([
      expect.objectContaining({
        metricName: 'ClassificationLatencyMax',
        dimensions: { prompt: 'v2' },
        maximum: 850,
        unit: 'Milliseconds',
      }),
    ]);
  });

  it('names an operation it does not stand in for', async () => {
    const g = await start();
    const client = new CloudWatchClient(sdkConfig(g.endpoint, ingest));
    const error = await rejection(
      client.send(
        new GetMetricDataCommand({ MetricDataQueries: [], StartTime: new Date(T0), EndTime: new Date(T0) }),
      ),
    );
    client.destroy();
    expect(error.name).toBe('UnknownOperationException');
    expect(error.message).toContain('cloudwatch:GetMetricData');
  });
});

describe('AWS gateway: alarms', () => {
  it('OtpInCritical goes ALARM on one datapoint, and its event reaches the dispatcher Lambda', async () => {
    const g = await start();
    expect(g.alarmState('OtpInCritical')?.value).toBe('INSUFFICIENT_DATA');
    now = T0 + 10_000;
    await put(g, 'OtpInCritical', 1);
    expect(g.alarmState('OtpInCritical')?.value).toBe('ALARM');
    expect(invoked).toHaveLength(1);
    const { functionArn, event } = invoked[0] as (typeof invoked)[number];
    expect(functionArn).toBe(DISPATCHER);
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: ACCOUNT,
      region: REGION,
      time: '2026-11-27T10:00:10Z',
      resources: [otpAlarm.arn],
      detail: {
        alarmName: 'OtpInCritical',
        state: { value: 'ALARM' },
        previousState: { value: 'INSUFFICIENT_DATA' },
        configuration: {
          metrics: [
            { metricStat: { metric: { namespace: NS, name: 'OtpInCritical' }, period: 60, stat: 'Sum' } },
          ],
        },
      },
    });
    expect(JSON.parse(event.detail.state.reasonData ?? '{}')).toMatchObject({
      recentDatapoints: [1],
      threshold: 0,
    });
    // The next minute has no data: notBreaching → OK, an event the ALARM-only rule does not route.
    now = T0 + 2 * MIN;
    await g.evaluateAlarms();
    expect(g.alarmState('OtpInCritical')?.value).toBe('OK');
    expect(invoked).toHaveLength(1);
  });

  it('refuses the alarm action when the topic policy does not allow cloudwatch.amazonaws.com', async () => {
    const g = await start();
    await put(g, 'OtpInCritical', 1);
    expect(published).toEqual([]);
    expect(g.alarmHistory()).toEqual([
      expect.objectContaining({ alarmName: 'OtpInCritical', action: PAGES, succeeded: false }),
    ]);
    expect(g.alarmHistory()[0]?.summary).toMatch(
      /^Failed to execute action .*pages.*not authorized to perform: sns:Publish/,
    );
    expect(g.decisions()).toContainEqual(
      expect.objectContaining({
        principal: 'cloudwatch.amazonaws.com',
        action: 'sns:Publish',
        resource: PAGES,
        allowed: false,
      }),
    );
  });

  it('latency needs 10 breaching minutes of 10, then publishes to a topic that allows the alarm', async () => {
    const g = await start();
    for (let minute = 0; minute < 9; minute++) {
      now = T0 + minute * MIN + 5_000;
      await put(g, 'ClassificationLatencyMax', minute === 4 ? 2_000 : 3_500);
      await put(g, 'ClassificationLatencyMax', minute === 4 ? 3_500 : 100); // Maximum per minute, not the last value
    }
    expect(g.alarmState('LatencyMax')?.value).toBe('OK');
    now = T0 + 9 * MIN + 5_000;
    await put(g, 'ClassificationLatencyMax', 3_001);
    expect(g.alarmState('LatencyMax')?.value).toBe('ALARM');
    expect(invoked.map((i) => i.event.resources)).toEqual([[latencyAlarm.arn]]);
    expect(published).toHaveLength(1);
    const message = published[0] as PublishedMessage;
    expect(message).toMatchObject({
      topicArn: ALERTS,
      publisher: 'cloudwatch.amazonaws.com',
      subject: `ALARM: "LatencyMax" in ${REGION}`,
    });
    expect(JSON.parse(message.message)).toMatchObject({
      AlarmName: 'LatencyMax',
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
      AlarmArn: latencyAlarm.arn,
    });
    expect(g.alarmHistory()).toEqual([expect.objectContaining({ alarmName: 'LatencyMax', succeeded: true })]);
  });

  it('one minute at or under the threshold keeps latency out of ALARM', async () => {
    const g = await start();
    for (let minute = 0; minute < 10; minute++) {
      now = T0 + minute * MIN + 5_000;
      await put(g, 'ClassificationLatencyMax', minute === 3 ? 3_000 : 9_000);
    }
    expect(g.alarmState('LatencyMax')?.value).toBe('OK');
  });

  it.each([
    ['missing', 'INSUFFICIENT_DATA'],
    ['notBreaching', 'OK'],
    ['breaching', 'ALARM'],
    ['ignore', 'INSUFFICIENT_DATA'],
  ])('without data, TreatMissingData %s → %s', async (treatMissingData, expected) => {
    const g = await start({ alarms: [{ ...otpAlarm, treatMissingData, alarmActions: [] }] });
    now = T0 + 5 * MIN;
    await g.evaluateAlarms();
    expect(g.alarmState('OtpInCritical')?.value).toBe(expected);
  });

  it('ignore keeps the last state when data stops; missing with some data evaluates what is there', async () => {
    const g = await start({
      alarms: [
        { ...otpAlarm, treatMissingData: 'ignore', alarmActions: [] },
        { ...latencyAlarm, treatMissingData: 'missing', datapointsToAlarm: 2, alarmActions: [] },
      ],
    });
    await put(g, 'OtpInCritical', 3);
    await put(g, 'ClassificationLatencyMax', 5_000);
    expect(g.alarmState('OtpInCritical')?.value).toBe('ALARM');
    expect(g.alarmState('LatencyMax')?.value).toBe('OK'); // 1 breaching of the 2 needed
    now = T0 + 3 * MIN;
    await put(g, 'ClassificationLatencyMax', 5_000);
    expect(g.alarmState('LatencyMax')?.value).toBe('ALARM');
    now = T0 + 30 * MIN;
    await g.evaluateAlarms();
    expect(g.alarmState('OtpInCritical')?.value).toBe('ALARM');
    expect(g.alarmState('LatencyMax')?.value).toBe('INSUFFICIENT_DATA');
  });

  it('ignore with too few datapoints: all breaching keeps the state, one not breaching is OK', async () => {
    const twoOfTwo = { ...latencyAlarm, evaluationPeriods: 2, datapointsToAlarm: 2, alarmActions: [] };
    const g = await start({ alarms: [{ ...twoOfTwo, treatMissingData: 'ignore' }] });
    await put(g, 'ClassificationLatencyMax', 5_000);
    now = T0 + MIN;
    await put(g, 'ClassificationLatencyMax', 5_000);
    expect(g.alarmState('LatencyMax')?.value).toBe('ALARM');
    now = T0 + 3 * MIN + 30_000; // the last complete minutes: 1 breaching, 2 missing
    await g.evaluateAlarms();
    expect(g.alarmState('LatencyMax')?.value).toBe('ALARM');
    await put(g, 'ClassificationLatencyMax', 100);
    expect(g.alarmState('LatencyMax')?.value).toBe('OK');
  });

  it('does not invoke a function whose permission names another rule', async () => {
    const g = await start({
      lambdaPermissions: [{ ...permitDispatcher, sourceArn: `${TO_DISPATCHER}-old` }],
    });
    await put(g, 'OtpInCritical', 1);
    expect(invoked).toEqual([]);
    expect(g.deliveries()).toContainEqual(
      expect.objectContaining({ targetArn: DISPATCHER, delivered: false }),
    );
    expect(g.decisions()).toContainEqual(
      expect.objectContaining({
        principal: 'events.amazonaws.com',
        action: 'lambda:InvokeFunction',
        resource: DISPATCHER,
        allowed: false,
      }),
    );
  });

  it('refuses an alarm it cannot evaluate faithfully when the gateway starts', async () => {
    await expect(
      start({ alarms: [{ ...otpAlarm, comparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold' }] }),
    ).rejects.toThrow(
      /OtpInCritical: ComparisonOperator LessThanLowerOrGreaterThanUpperThreshold is not supported/,
    );
  });
});

describe('AWS gateway: event bus', () => {
  const statusChange = (status: string) => ({
    version: '0',
    id: 'e-1',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: ACCOUNT,
    region: REGION,
    time: '2026-11-27T10:00:00Z',
    resources: [`${MACHINE}:inc-1`],
    detail: { stateMachineArn: MACHINE, name: 'inc-1', status },
  });

  it('publishes a transformed event to SNS as events.amazonaws.com when the topic policy allows it', async () => {
    const g = await start();
    await g.putEvent(statusChange('SUCCEEDED'));
    expect(published).toEqual([]);
    const [delivery] = await g.putEvent(statusChange('TIMED_OUT'));
    expect(delivery).toMatchObject({ ruleArn: WORKFLOW_ENDED, delivered: true });
    expect(published).toEqual([
      expect.objectContaining({
        topicArn: PAGES,
        publisher: 'events.amazonaws.com',
        message: '"Rollback workflow execution inc-1 ended TIMED_OUT without escalating."',
      }),
    ]);
  });

  it('is refused by a topic policy without events.amazonaws.com', async () => {
    const g = await start({ topics: [{ arn: PAGES, kmsKeyArn: KEY, policy: [sslOnly(PAGES)] }] });
    const [delivery] = await g.putEvent(statusChange('ABORTED'));
    expect(delivery?.delivered).toBe(false);
    expect(delivery?.reason).toContain('events.amazonaws.com is not authorized to perform: sns:Publish');
    expect(published).toEqual([]);
  });
});
