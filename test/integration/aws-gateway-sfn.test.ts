import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfnWorkflowStarter } from '../../functions/adapters/sfn-workflow-starter.ts';
import { type AwsGateway, startAwsGateway } from '../../functions/local/aws/gateway.ts';
import type { ExecutionDescription, StepFunctionsBackend } from '../../functions/local/aws/sfn.ts';
import { ACCOUNT, assumedRole, principal, REGION, rejection, sdkConfig } from '../support/aws-gateway.ts';

const MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:rollback`;
const OTHER_MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:other`;
const execution = (machine: string, name: string) =>
  `${machine.replace(':stateMachine:', ':execution:')}:${name}`;

class NamedError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

/** Step Functions' rules for names and tokens, as the local runner implements them. */
class FakeBackend implements StepFunctionsBackend {
  readonly executions = new Map<string, ExecutionDescription>();
  readonly tokens = new Map<string, string>();
  readonly decided: { token: string; output?: string; error?: string }[] = [];

  startExecution({
    stateMachineArn,
    name,
    input,
  }: {
    stateMachineArn: string;
    name?: string;
    input?: string;
  }) {
    const arn = execution(stateMachineArn, name ?? `run-${this.executions.size}`);
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === (input ?? '{}')) return existing;
      throw new NamedError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const started: ExecutionDescription = {
      executionArn: arn,
      stateMachineArn,
      name: name ?? '',
      status: 'RUNNING',
      startDate: new Date('2026-11-27T10:00:00.500Z'),
      input: input ?? '{}',
    };
    this.executions.set(arn, started);
    this.tokens.set(`token-of-${name}`, stateMachineArn);
    return started;
  }
  stateMachineOfToken(token: string) {
    return this.tokens.get(token);
  }
  sendTaskSuccess(token: string, output: string) {
    this.tokens.delete(token);
    this.decided.push({ token, output });
  }
  sendTaskFailure(token: string, error?: string) {
    if (!this.tokens.delete(token)) throw new NamedError('TaskTimedOut', 'Task Timed Out');
    this.decided.push({ token, ...(error ? { error } : {}) });
  }
  describeExecution(arn: string) {
    return this.executions.get(arn);
  }
}

const dispatcher = principal('dispatcher-fn', [
  { Effect: 'Allow', Action: 'states:StartExecution', Resource: MACHINE },
]);
const approver = principal('approval-fn', [
  { Effect: 'Allow', Action: ['states:SendTaskSuccess', 'states:SendTaskFailure'], Resource: MACHINE },
]);
const watcher = principal('watch-fn', [
  { Effect: 'Allow', Action: 'states:DescribeExecution', Resource: `${execution(MACHINE, '*')}` },
]);

let gateway: AwsGateway;
let backend: FakeBackend;
const sfn = (who: typeof dispatcher) => new SFNClient(sdkConfig(gateway.endpoint, who));

beforeAll(async () => {
  backend = new FakeBackend();
  gateway = await startAwsGateway({
    region: REGION,
    account: ACCOUNT,
    principals: [dispatcher, approver, watcher],
    stepFunctions: backend,
  });
});

afterAll(() => gateway.close());

describe('AWS gateway: Step Functions', () => {
  it('starts an execution and answers a repeated start as Step Functions does', async () => {
    const start = (input: string) =>
      sfn(dispatcher).send(new StartExecutionCommand({ stateMachineArn: MACHINE, name: 'inc-1', input }));
    const first = await start('{"a":1}');
    expect(first.executionArn).toBe(execution(MACHINE, 'inc-1'));
    expect(first.startDate).toEqual(new Date('2026-11-27T10:00:00.500Z'));
    expect((await start('{"a":1}')).executionArn).toBe(first.executionArn);
    const error = await rejection(start('{"a":2}'));
    expect(error).toBeInstanceOf(ExecutionAlreadyExists);
    expect(error.message).toContain('inc-1');
  });

  it('refuses StartExecution on a state machine the role does not name', async () => {
    const error = await rejection(
      sfn(dispatcher).send(new StartExecutionCommand({ stateMachineArn: OTHER_MACHINE, name: 'x' })),
    );
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toBe(
      `User: ${assumedRole('dispatcher-fn')} is not authorized to perform: states:StartExecution on resource: ${OTHER_MACHINE} because no identity-based policy allows the states:StartExecution action`,
    );
    expect(backend.executions.has(execution(OTHER_MACHINE, 'x'))).toBe(false);
  });

  it('rejects input that is not JSON with InvalidExecutionInput', async () => {
    const error = await rejection(
      sfn(dispatcher).send(new StartExecutionCommand({ stateMachineArn: MACHINE, name: 'bad', input: '{' })),
    );
    expect(error.name).toBe('InvalidExecutionInput');
  });

  it('authorizes task callbacks on the state machine that owns the token', async () => {
    await sfn(approver).send(
      new SendTaskSuccessCommand({ taskToken: 'token-of-inc-1', output: '{"approved":true}' }),
    );
    expect(backend.decided.at(-1)).toEqual({ token: 'token-of-inc-1', output: '{"approved":true}' });
    backend.tokens.set('token-of-other', OTHER_MACHINE);
    const error = await rejection(
      sfn(approver).send(new SendTaskFailureCommand({ taskToken: 'token-of-other', error: 'Rejected' })),
    );
    expect(error.message).toContain(
      `approval-fn is not authorized to perform: states:SendTaskFailure on resource: ${OTHER_MACHINE}`,
    );
    const denied = await rejection(
      sfn(dispatcher).send(new SendTaskSuccessCommand({ taskToken: 'token-of-other', output: '{}' })),
    );
    expect(denied.name).toBe('AccessDeniedException');
  });

  it('answers TaskDoesNotExist for a token nobody owns, and backend errors by their name', async () => {
    const error = await rejection(
      sfn(approver).send(new SendTaskSuccessCommand({ taskToken: 'gone', output: '{}' })),
    );
    expect(error).toBeInstanceOf(TaskDoesNotExist);
    backend.tokens.set('stale', MACHINE);
    backend.sendTaskFailure = () => {
      throw new NamedError('TaskTimedOut', 'Task Timed Out');
    };
    const timedOut = await rejection(sfn(approver).send(new SendTaskFailureCommand({ taskToken: 'stale' })));
    expect(timedOut.name).toBe('TaskTimedOut');
  });

  it('describes an execution, authorized on the execution ARN', async () => {
    const arn = execution(MACHINE, 'inc-1');
    const described = await sfn(watcher).send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(described).toMatchObject({
      executionArn: arn,
      stateMachineArn: MACHINE,
      status: 'RUNNING',
      name: 'inc-1',
    });
    const error = await rejection(sfn(dispatcher).send(new DescribeExecutionCommand({ executionArn: arn })));
    expect(error.message).toContain(`states:DescribeExecution on resource: ${arn}`);
  });

  it('works with the real SfnWorkflowStarter adapter', async () => {
    const starter = new SfnWorkflowStarter(sfn(dispatcher), MACHINE);
    expect(await starter.start('inc-2', { reason: 'otp' })).toEqual({
      executionId: execution(MACHINE, 'inc-2'),
      alreadyStarted: false,
    });
    expect(await starter.start('inc-2', { reason: 'other input' })).toEqual({
      executionId: 'inc-2',
      alreadyStarted: true,
    });
  });
});
