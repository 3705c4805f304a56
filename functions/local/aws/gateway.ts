import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AlarmActionRecord, runAlarmActions } from './alarm-actions.ts';
import { type AlarmConfig, AlarmEvaluator, type AlarmState, type AlarmTransition } from './alarms.ts';
import type { AwsCall, CallResult } from './call.ts';
import { unknownOperation } from './call.ts';
import { handleCloudWatch } from './cloudwatch.ts';
import { DecisionLog, type DecisionRecord } from './decisions.ts';
import { type DynamoDbOptions, handleDynamoDb } from './dynamodb.ts';
import { type Delivery, EventBus, type EventRule, type LambdaPermission } from './event-bus.ts';
import { handleLambda, type LambdaInvokeOptions } from './lambda.ts';
import { type Datapoint, MetricStore } from './metrics.ts';
import { type RegisteredPrincipal, signingScope } from './principals.ts';
import {
  AwsServiceError,
  answerError,
  answerJson,
  answerXml,
  newRequestId,
  type Protocol,
} from './protocol.ts';
import { handleSecretsManager, type SecretConfig } from './secrets.ts';
import { handleStepFunctions, type StepFunctionsBackend } from './sfn.ts';
import { handleSns, type KeyConfig, type PublishedMessage, SnsTopics, type TopicConfig } from './sns.ts';

export interface AwsGatewayOptions {
  region: string;
  account: string;
  /** Defaults to 0 (a free port); the gateway always listens on 127.0.0.1. */
  port?: number;
  principals: readonly RegisteredPrincipal[];
  dynamodb?: DynamoDbOptions;
  topics?: readonly TopicConfig[];
  keys?: readonly KeyConfig[];
  onPublish?: (message: PublishedMessage) => void;
  alarms?: readonly AlarmConfig[];
  rules?: readonly EventRule[];
  lambdaPermissions?: readonly LambdaPermission[];
  invokeLambda?: (functionArn: string, event: unknown) => Promise<unknown> | unknown;
  stepFunctions?: StepFunctionsBackend;
  secrets?: readonly SecretConfig[];
  /** Lambda `Invoke` of the stack's functions (e.g. ingest waking the dispatcher). */
  lambda?: LambdaInvokeOptions;
  /** Milliseconds since the epoch; the runtime's clock may be simulated. Defaults to Date.now. */
  clock?: () => number;
  onDenied?: (record: DecisionRecord) => void;
}

export interface AwsGateway {
  /** For `AWS_ENDPOINT_URL`. */
  endpoint: string;
  port: number;
  close(): Promise<void>;
  decisions(): DecisionRecord[];
  /** Evaluates every alarm at `nowMs` (default: the clock) and waits for the effects of changes. */
  evaluateAlarms(nowMs?: number): Promise<AlarmTransition[]>;
  alarmState(alarmName: string): AlarmState | undefined;
  alarmHistory(): AlarmActionRecord[];
  /** Puts an event on the local default bus (e.g. Step Functions status changes). */
  putEvent(event: Record<string, unknown>): Promise<Delivery[]>;
  deliveries(): Delivery[];
  datapoints(): Datapoint[];
  /** Resolves once the alarm evaluations that PutMetricData calls set off have run their effects. */
  settled(): Promise<void>;
  /** A caller from outside the stack (an operator, a classifier) with its own statements. */
  addPrincipal(principal: RegisteredPrincipal): void;
}

/** Signing name → protocol. */
const SERVICES: Record<string, Protocol> = {
  dynamodb: 'json1.0',
  monitoring: 'json1.0',
  states: 'json1.0',
  secretsmanager: 'json1.1',
  lambda: 'json1.0',
  sns: 'query',
};

/**
 * One local endpoint for every AWS service the functions call: identifies the caller by its
 * SigV4 access key, authorizes the call with the template's IAM statements, then serves it.
 */
export async function startAwsGateway(options: AwsGatewayOptions): Promise<AwsGateway> {
  const clock = options.clock ?? Date.now;
  const where = { region: options.region, account: options.account };
  const log = new DecisionLog(options.onDenied);
  const principals = new Map(options.principals.map((p) => [p.accessKeyId, p]));
  const topics = new SnsTopics(options.topics ?? [], options.keys ?? [], log, options.onPublish);
  const store = new MetricStore();
  const alarms = new AlarmEvaluator(options.alarms ?? [], store, where, clock());
  const bus = new EventBus({
    rules: options.rules ?? [],
    lambdaPermissions: options.lambdaPermissions ?? [],
    topics,
    log,
    account: options.account,
    ...(options.invokeLambda ? { invokeLambda: options.invokeLambda } : {}),
  });
  const history: AlarmActionRecord[] = [];
  // Alarm effects run one after another, in the order the state changes happened.
  let effects: Promise<void> = Promise.resolve();
  const apply = (transitions: AlarmTransition[]): Promise<void> => {
    effects = effects.then(async () => {
      for (const transition of transitions) {
        try {
          await bus.put(transition.event as unknown as Record<string, unknown>);
        } catch (error) {
          // One broken delivery must not stop later effects; the runtime sees it in the console.
          console.error(
            `local event bus: delivering the ${transition.alarm.name} state change failed`,
            error,
          );
        }
        history.push(...runAlarmActions(transition, topics, where));
      }
    });
    return effects;
  };
  const storeDatapoints = (points: Datapoint[]) => {
    store.put(points);
    const metrics = new Map(points.map((p) => [`${p.namespace}\u0000${p.metricName}`, p]));
    const now = clock();
    for (const p of metrics.values()) void apply(alarms.evaluate(now, p));
  };

  const dispatch = (call: AwsCall): Promise<CallResult> | CallResult => {
    switch (call.service) {
      case 'dynamodb':
        if (!options.dynamodb) throw unknownOperation('dynamodb', call.operation);
        return handleDynamoDb(call, log, options.dynamodb);
      case 'sns':
        return handleSns(call, topics);
      case 'monitoring':
        return handleCloudWatch(call, log, clock, storeDatapoints);
      case 'states':
        return handleStepFunctions(call, log, options.stepFunctions);
      case 'secretsmanager':
        return handleSecretsManager(call, log, options.secrets ?? []);
      case 'lambda':
        if (!options.lambda) throw unknownOperation('lambda', call.operation);
        return handleLambda(call, log, options.lambda);
      default:
        throw unknownOperation(call.service, call.operation);
    }
  };

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        const message = error instanceof Error ? error.message : String(error);
        answerError(
          response,
          'json1.0',
          newRequestId(),
          new AwsServiceError('InternalFailure', message, 500, 'Receiver'),
        );
      } else response.destroy();
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const requestId = newRequestId();
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const scope = signingScope(request.headers.authorization, url);
    const contentType = String(request.headers['content-type'] ?? '');
    const service = scope?.service ?? '';
    const protocol: Protocol =
      SERVICES[service] ?? (contentType.includes('x-www-form-urlencoded') ? 'query' : 'json1.0');
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation =
      protocol === 'query'
        ? (new URLSearchParams(body.toString('utf8')).get('Action') ?? '')
        : target.slice(target.lastIndexOf('.') + 1);
    try {
      if (!scope)
        throw new AwsServiceError(
          protocol === 'query' ? 'MissingAuthenticationToken' : 'MissingAuthenticationTokenException',
          'Request is missing Authentication Token',
          protocol === 'query' ? 403 : 400,
        );
      const principal = principals.get(scope.accessKeyId);
      if (!principal)
        throw protocol === 'query'
          ? new AwsServiceError(
              'InvalidClientTokenId',
              'The security token included in the request is invalid.',
              403,
            )
          : new AwsServiceError(
              'UnrecognizedClientException',
              'The security token included in the request is invalid.',
            );
      const call: AwsCall = {
        service,
        operation,
        region: options.region,
        account: options.account,
        principal,
        caller: { kind: 'role', roleArn: principal.roleArn, sessionName: principal.name },
        requestId,
        body,
        request,
        response,
      };
      const result = await dispatch(call);
      if (result === 'answered') return;
      if ('xml' in result) answerXml(response, requestId, result.xml);
      else answerJson(response, protocol === 'query' ? 'json1.0' : protocol, requestId, result.json);
    } catch (error) {
      if (!(error instanceof AwsServiceError) || response.headersSent) throw error;
      answerError(response, protocol, requestId, error);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
    decisions: () => log.all(),
    async evaluateAlarms(nowMs = clock()) {
      const transitions = alarms.evaluate(nowMs);
      await apply(transitions);
      return transitions;
    },
    alarmState: (name) => alarms.state(name),
    alarmHistory: () => [...history],
    putEvent: (event) => bus.put(event),
    deliveries: () => bus.deliveries(),
    datapoints: () => store.all(),
    settled: () => effects,
    addPrincipal: (principal) => void principals.set(principal.accessKeyId, principal),
  };
}
