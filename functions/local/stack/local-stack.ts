/**
 * The synthesized stack, run on this machine: every Lambda of the template through its cloud
 * entry (or its deployed bundle) with exactly its template environment, SDK clients pointed by
 * `AWS_ENDPOINT_URL` at one local AWS gateway that enforces each function's role statements,
 * DynamoDB on dynalite, the state machine's own ASL in the local runner, the template's alarms
 * and rules, and Function URLs on 127.0.0.1. One wiring: what passes here is what deploys.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateTableCommand, type DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type EventRule, type LambdaPermission, lambdaPolicy } from '../aws/event-bus.ts';
import { type AwsGateway, startAwsGateway } from '../aws/gateway.ts';
import { authorize, type Statement } from '../aws/iam.ts';
import { type LocalDynamo, startLocalDynamo } from '../dynalite.ts';
import type { AslDefinition, TransitionEvent } from '../state-machine/index.ts';
import { FunctionUrlServer, type UrlCaller } from './function-urls.ts';
import type { ResolveContext } from './intrinsics.ts';
import { LambdaRuntime, type LocalFunction } from './lambda-runtime.ts';
import { externalSecretArn, LOCAL_ACCOUNT, LOCAL_REGION, physicalResources } from './physical.ts';
import { LocalStepFunctions } from './sfn-backend.ts';
import { type CfnTemplate, type SynthesizedStack, type SynthOptions, synthesizeStack } from './synth.ts';
import { toAlarmConfig } from './template-alarms.ts';
import { type FunctionModel, readTemplate, type TemplateModel } from './template-model.ts';

export interface LocalNotification {
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly attributes: Record<string, string | undefined>;
  readonly publisher: string;
}

export interface LocalStackOptions extends SynthOptions {
  /** dynalite's LevelDB directory and the functions' logs; without it, all in memory. */
  readonly stateDir?: string;
  /** The simulated clock's shared state, read by the functions (`SimulatedClock.shared`). */
  readonly clock?: SharedArrayBuffer;
  /** Now, for alarm evaluation and scheduled events. @default Date.now */
  readonly now?: () => number;
  /** Wall time per definition second in the state machine's waits. @default 1 */
  readonly waitScale?: number;
  /** Values of secrets that live outside the stack (`Secret.fromSecretNameV2`), by name. */
  readonly externalSecrets?: Record<string, string>;
  /** Port of the Function URLs on 127.0.0.1. @default 0 (any free port) */
  readonly functionUrlPort?: number;
  /** Fault tests: change the synthesized template before it runs (drop a variable or a grant). */
  readonly alterTemplate?: (template: CfnTemplate, synthesized: SynthesizedStack) => void;
  /** Wraps every task of the state machine (the demo freezes simulated time while a step runs). */
  readonly aroundTask?: <T>(work: () => Promise<T>) => Promise<T>;
  onNotification?(notification: LocalNotification): void;
  onTransition?(executionName: string, event: TransitionEvent): void;
  /** Every refused AWS call, with function, action and resource. */
  onDenied?(message: string): void;
}

export interface LocalStack {
  readonly synthesized: SynthesizedStack;
  readonly model: TemplateModel;
  readonly endpoints: { readonly aws: string; readonly dynamodb: string; readonly functionUrls: string };
  readonly tableName: string;
  readonly stateMachineArn: string;
  readonly stepFunctions: LocalStepFunctions;
  readonly gateway: AwsGateway;
  /** Clients on the stack's table (dynalite), for operator views (the CLI) and tests. */
  readonly documents: DynamoDBDocumentClient;
  readonly dynamoDb: DynamoDBClient;
  readonly functions: LocalFunction[];
  /** A function by workflow step (`verify`), construct path (`Ingestion/IngestFunction`) or logical id. */
  fn(stepOrLogicalId: string): LocalFunction;
  invoke(stepOrLogicalId: string, event: unknown): Promise<unknown>;
  /** Starts every function's environment in parallel (instead of on its first invocation). */
  warm(): void;
  /** The Function URL of a function (by step or logical id). */
  functionUrl(stepOrLogicalId: string): string;
  /** Delivers one "Scheduled Event" to every enabled schedule rule's targets (EventBridge). */
  tick(): Promise<void>;
  /** Lets the alarms see time pass (missing data, periods closing). */
  evaluateAlarms(): Promise<void>;
  /** A SigV4 principal for callers outside the stack (the classifier), with its own statements. */
  addCaller(name: string, statements: Statement[]): { accessKeyId: string; secretAccessKey: string };
  /**
   * A classifier outside the stack, granted what the README tells a classifier's role to be
   * granted: `lambda:InvokeFunctionUrl` and `lambda:InvokeFunction` on the ingest function.
   */
  addClassifier(name: string): { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

const accessKeyOf = (logicalId: string) =>
  `ASIA${logicalId
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, 24)}`;

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const synthesized = synthesizeStack(options);
  options.alterTemplate?.(synthesized.template, synthesized);
  const now = options.now ?? Date.now;

  // What has started is stopped again, in reverse order, on close — or when start-up fails midway.
  const started: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of started.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    return await assemble();
  } catch (error) {
    await stopAll();
    throw error;
  }

  async function assemble(): Promise<LocalStack> {
    const functionUrls = new FunctionUrlServer({
      invoke: (functionArn, event) => runtime.invoke(functionArn, event),
      caller: (accessKeyId) => callers.get(accessKeyId),
      onDenied: options.onDenied,
    });
    await functionUrls.start(options.functionUrlPort);
    started.push(() => functionUrls.stop());
    const physical = physicalResources(synthesized.template.Resources, {
      stackName: synthesized.stackName,
      functionUrlBase: functionUrls.base,
    });
    const context: ResolveContext = {
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      stackName: synthesized.stackName,
      resources: physical,
    };
    const model = readTemplate(synthesized.template, context);

    let dynamoPath: string | undefined;
    if (options.stateDir) {
      dynamoPath = join(options.stateDir, 'dynamo');
      await mkdir(dynamoPath, { recursive: true });
    }
    const dynamo = await startLocalDynamo({ path: dynamoPath });
    started.push(() => dynamo.stop());
    for (const table of model.tables) await createTable(dynamo, table.name, table.properties);

    const callers = new Map<string, UrlCaller>();
    const principals = model.functions.map((fn) => ({
      accessKeyId: accessKeyOf(fn.logicalId),
      secretAccessKey: `local-secret-${fn.logicalId}`,
      name: fn.name,
      roleArn: fn.roleArn,
      statements: fn.statements as never,
    }));
    for (const principal of principals) callers.set(principal.accessKeyId, principal);

    const machine = model.stateMachines[0];
    if (!machine) throw new Error('the template has no state machine');
    const stepFunctions = new LocalStepFunctions({
      stateMachineArn: machine.arn,
      roleArn: machine.roleArn,
      statements: machine.statements as never,
      definition: JSON.parse(machine.definition) as AslDefinition,
      waitScale: options.waitScale,
      invokeLambda: (name, payload) => runtime.invoke(name, payload),
      aroundTask: options.aroundTask,
      onTransition: options.onTransition,
      onStatusChange: (event) => void gateway.putEvent(event),
    });

    const lambdaPermissions = model.lambdaPermissions.map(toLambdaPermission);
    const gateway = await startAwsGateway({
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      principals,
      dynamodb: { endpoint: dynamo.endpoint },
      topics: model.topics.map((topic) => ({
        arn: topic.arn,
        policy: topic.policy as never,
        kmsKeyArn: topic.kmsKeyArn,
      })),
      keys: model.keys.map((key) => ({ arn: key.arn, policy: key.policy as never })),
      onPublish: (message) =>
        options.onNotification?.({
          topicArn: message.topicArn,
          subject: message.subject,
          message: message.message,
          attributes: Object.fromEntries(
            Object.entries(message.attributes).map(([name, value]) => [name, value.stringValue]),
          ),
          publisher: message.publisher,
        }),
      alarms: model.alarms.map((alarm) => toAlarmConfig(alarm.name, alarm.arn, alarm.properties)),
      rules: model.rules.map((rule) => toEventRule(rule.arn, rule.properties)),
      lambdaPermissions,
      invokeLambda: (functionArn, event) => runtime.invoke(functionArn, event),
      lambda: {
        invoke: (functionArn, event) => runtime.invoke(functionArn, event),
        functionArn: (nameOrArn) => runtime.find(nameOrArn)?.arn,
        onAsyncError: (functionArn, error) =>
          options.onDenied?.(`asynchronous invocation of ${functionArn} failed: ${(error as Error).message}`),
      },
      stepFunctions,
      secrets: [
        ...model.secrets.map((secret) => ({
          arn: secret.arn,
          name: secret.arn.split(':secret:')[1]?.replace(/-[A-Za-z0-9]{6}$/, '') ?? secret.logicalId,
          value: randomBytes(48)
            .toString('base64url')
            .slice(0, Number(secret.generate?.PasswordLength ?? 32)),
        })),
        ...Object.entries(options.externalSecrets ?? {}).map(([name, value]) => ({
          arn: externalSecretArn(name),
          name,
          value,
        })),
      ],
      clock: now,
      onDenied: (record) =>
        options.onDenied?.(
          `${record.principal} is not authorized to perform: ${record.action} on resource: ${record.resource} ${record.reason}`,
        ),
    });

    started.push(() => gateway.close());
    const runtime = new LambdaRuntime({
      clock: options.clock,
      logDir: options.stateDir ? join(options.stateDir, 'logs') : undefined,
    });
    started.push(() => runtime.stop());
    for (const fn of model.functions) {
      const source = synthesized.functions.find((candidate) => candidate.logicalId === fn.logicalId);
      if (!source) throw new Error(`function ${fn.logicalId} has no entry`);
      const principal = principals.find((candidate) => candidate.name === fn.name);
      runtime.register({
        name: fn.name,
        logicalId: fn.logicalId,
        arn: fn.arn,
        module: source.bundle ?? source.entry,
        memoryMb: fn.memoryMb,
        timeoutMs: fn.timeoutMs,
        environment: lambdaEnvironment(
          fn,
          principal?.accessKeyId ?? '',
          principal?.secretAccessKey ?? '',
          gateway.endpoint,
        ),
      });
    }
    for (const url of model.functionUrls) {
      functionUrls.add({
        urlLogicalId: url.logicalId,
        functionArn: url.functionArn,
        authType: url.authType,
        resourceStatements: permissionStatements(model.lambdaPermissions, url.functionArn),
      });
    }

    const byStepOrId = (stepOrLogicalId: string): LocalFunction => {
      const logicalId =
        synthesized.functions.find((fn) => fn.step === stepOrLogicalId || fn.path === stepOrLogicalId)
          ?.logicalId ?? stepOrLogicalId;
      const found = runtime.find(logicalId);
      if (!found) throw new Error(`the stack has no function ${stepOrLogicalId}`);
      return found;
    };
    const documents = DynamoDBDocumentClient.from(dynamo.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const table = model.tables[0];
    if (!table) throw new Error('the template has no table');

    const stack: LocalStack = {
      synthesized,
      model,
      endpoints: { aws: gateway.endpoint, dynamodb: dynamo.endpoint, functionUrls: functionUrls.base },
      tableName: table.name,
      stateMachineArn: machine.arn,
      stepFunctions,
      gateway,
      documents,
      dynamoDb: dynamo.client,
      functions: runtime.list(),
      fn: byStepOrId,
      invoke: (stepOrLogicalId, event) => runtime.invoke(byStepOrId(stepOrLogicalId).name, event),
      warm: () => runtime.warm(),
      functionUrl(stepOrLogicalId) {
        const fn = byStepOrId(stepOrLogicalId);
        const url = model.functionUrls.find((candidate) => candidate.functionArn === fn.arn);
        if (!url) throw new Error(`function ${stepOrLogicalId} has no Function URL`);
        return url.url;
      },
      async tick() {
        await deliverSchedules(model, lambdaPermissions, now(), (functionArn, event) =>
          runtime.invoke(functionArn, event),
        );
      },
      async evaluateAlarms() {
        await gateway.evaluateAlarms(now());
      },
      addCaller(name, statements) {
        const accessKeyId = accessKeyOf(`caller${name}`);
        const secretAccessKey = `local-secret-${name}`;
        const caller = {
          accessKeyId,
          secretAccessKey,
          name,
          roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`,
          statements,
        };
        callers.set(accessKeyId, caller);
        gateway.addPrincipal(caller as never);
        return { accessKeyId, secretAccessKey };
      },
      addClassifier(name) {
        return stack.addCaller(name, [
          {
            Effect: 'Allow',
            Action: ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'],
            Resource: byStepOrId('Ingestion/IngestFunction').arn,
          },
        ]);
      },
      close: stopAll,
    };
    return stack;
  }
}

/**
 * What the Lambda service puts in a function's environment besides the template's variables:
 * region, the execution role's credentials, the function's name and memory — plus the one
 * endpoint switch that sends every AWS SDK client to the local gateway.
 */
function lambdaEnvironment(
  fn: FunctionModel,
  accessKeyId: string,
  secretAccessKey: string,
  endpoint: string,
): Record<string, string> {
  return {
    ...fn.environment,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_SESSION_TOKEN: `local-session-${fn.logicalId}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_ENDPOINT_URL: endpoint,
    TZ: 'UTC',
    ...(process.env.PATH ? { PATH: process.env.PATH } : {}),
  };
}

/** AWS::Lambda::Permission resources of one function, as resource-policy statements. */
export function permissionStatements(
  permissions: Record<string, unknown>[],
  functionArn: string,
): Statement[] {
  return permissions
    .filter((permission) => permission.FunctionName === functionArn)
    .map((permission) => {
      const conditions: Record<string, Record<string, string>> = {};
      if (typeof permission.SourceArn === 'string')
        conditions.ArnLike = { 'AWS:SourceArn': permission.SourceArn };
      if (typeof permission.FunctionUrlAuthType === 'string')
        conditions.StringEquals = { 'lambda:FunctionUrlAuthType': permission.FunctionUrlAuthType };
      if (permission.InvokedViaFunctionUrl === true || permission.InvokedViaFunctionUrl === 'true')
        conditions.Bool = { 'lambda:InvokedViaFunctionUrl': 'true' };
      const principal = String(permission.Principal);
      return {
        Effect: 'Allow',
        Principal:
          principal === '*'
            ? '*'
            : principal.endsWith('.amazonaws.com')
              ? { Service: principal }
              : { AWS: principal },
        Action: String(permission.Action),
        Resource: functionArn,
        ...(Object.keys(conditions).length > 0 ? { Condition: conditions } : {}),
      } as Statement;
    });
}

function toLambdaPermission(permission: Record<string, unknown>): LambdaPermission {
  return {
    functionArn: String(permission.FunctionName),
    action: String(permission.Action),
    principal: String(permission.Principal),
    ...(typeof permission.SourceArn === 'string' ? { sourceArn: permission.SourceArn } : {}),
    ...(typeof permission.SourceAccount === 'string' ? { sourceAccount: permission.SourceAccount } : {}),
  };
}

function toEventRule(arn: string, p: Record<string, unknown>): EventRule {
  const targets = (p.Targets as Record<string, unknown>[] | undefined) ?? [];
  return {
    arn,
    ...(p.EventPattern === undefined ? {} : { eventPattern: p.EventPattern }),
    enabled: p.State !== 'DISABLED',
    targets: targets.map((target) => {
      const transformer = target.InputTransformer as
        | { InputPathsMap?: Record<string, string>; InputTemplate: string }
        | undefined;
      return {
        id: String(target.Id),
        arn: String(target.Arn),
        ...(typeof target.Input === 'string' ? { input: target.Input } : {}),
        ...(typeof target.InputPath === 'string' ? { inputPath: target.InputPath } : {}),
        ...(transformer
          ? {
              inputTransformer: {
                inputPathsMap: transformer.InputPathsMap,
                inputTemplate: transformer.InputTemplate,
              },
            }
          : {}),
      };
    }),
  };
}

/**
 * EventBridge Scheduler's side of the schedule rules: one "Scheduled Event" to each Lambda target,
 * delivered only where the function's resource policy lets events.amazonaws.com invoke it for
 * that rule (as AWS checks the AWS::Lambda::Permission).
 */
async function deliverSchedules(
  model: TemplateModel,
  permissions: readonly LambdaPermission[],
  at: number,
  invoke: (functionArn: string, event: unknown) => Promise<unknown>,
): Promise<void> {
  for (const rule of model.rules) {
    if (typeof rule.properties.ScheduleExpression !== 'string' || rule.properties.State === 'DISABLED')
      continue;
    for (const target of (rule.properties.Targets as { Arn: string }[] | undefined) ?? []) {
      const decision = authorize({
        caller: { kind: 'service', service: 'events.amazonaws.com' },
        action: 'lambda:InvokeFunction',
        resource: target.Arn,
        resourceStatements: lambdaPolicy(permissions, target.Arn),
        context: { 'aws:SourceArn': rule.arn, 'aws:SourceAccount': LOCAL_ACCOUNT },
      });
      if (!decision.allowed) {
        throw new Error(`EventBridge may not invoke ${target.Arn} for rule ${rule.arn}: ${decision.reason}`);
      }
      await invoke(target.Arn, {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: LOCAL_ACCOUNT,
        time: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: LOCAL_REGION,
        resources: [rule.arn],
        detail: {},
      });
    }
  }
}

/** The table as the template declares it (keys, billing); dynalite ignores what it cannot do (TTL, PITR). */
async function createTable(
  dynamo: LocalDynamo,
  name: string,
  properties: Record<string, unknown>,
): Promise<void> {
  try {
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: properties.AttributeDefinitions as never,
        KeySchema: properties.KeySchema as never,
        GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes as never,
        BillingMode: (properties.BillingMode as never) ?? 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}
