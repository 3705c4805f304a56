/**
 * Step Functions for the local stack: `StartExecution` runs the synthesized definition in the
 * local runner, each Task invoking its Lambda through the local Lambda service after the state
 * machine's role is checked for `lambda:InvokeFunction`; task tokens resolve through the
 * runner. Execution names are unique per state machine, as in AWS: the same name with the same
 * input while it runs answers with the same execution; with other input, ExecutionAlreadyExists.
 */

import { authorize, type Statement } from '../aws/iam.ts';
import {
  type AslDefinition,
  pendingCallbacks,
  runWorkflow,
  sendTaskFailure,
  sendTaskSuccess,
  type TaskHandler,
  type TransitionEvent,
  taskSteps,
  validateDefinition,
  type WorkflowExecution,
  type WorkflowResult,
} from '../state-machine/index.ts';

export interface LocalExecutionRecord {
  readonly name: string;
  readonly arn: string;
  readonly input: string;
  readonly startDate: Date;
  readonly execution: WorkflowExecution;
  result?: WorkflowResult;
}

export interface SfnBackendOptions {
  readonly stateMachineArn: string;
  readonly roleArn: string;
  readonly statements: readonly Statement[];
  readonly definition: AslDefinition;
  /** Wall time per definition second (the demo's speed-up). @default 1 */
  readonly waitScale?: number;
  invokeLambda(functionName: string, payload: unknown): Promise<unknown>;
  /** Wraps each task (the demo stops simulated time while a step runs). */
  aroundTask?<T>(work: () => Promise<T>): Promise<T>;
  onTransition?(executionName: string, event: TransitionEvent): void;
  /** "Step Functions Execution Status Change" events, for the event bus. */
  onStatusChange?(event: Record<string, unknown>): void;
}

export class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class LocalStepFunctions {
  readonly executions = new Map<string, LocalExecutionRecord>();

  constructor(private readonly options: SfnBackendOptions) {
    // As CreateStateMachine does: an invalid definition fails the deploy, not the first execution.
    validateDefinition(options.definition);
  }

  async startExecution(request: { stateMachineArn: string; name?: string; input?: string }) {
    if (request.stateMachineArn !== this.options.stateMachineArn) {
      throw new NamedError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${request.stateMachineArn}'`,
      );
    }
    const name = request.name ?? crypto.randomUUID();
    const input = request.input ?? '{}';
    const existing = this.executions.get(name);
    if (existing) {
      if (existing.input === input && existing.result === undefined) {
        return { executionArn: existing.arn, startDate: existing.startDate };
      }
      throw new NamedError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.arn}'`);
    }
    const arn = `${this.options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const execution = runWorkflow({
      definition: this.options.definition,
      input: JSON.parse(input),
      executionName: name,
      stepHandlers: this.taskHandlers(),
      waitScale: this.options.waitScale,
      onTransition: (event) => this.options.onTransition?.(name, event),
    });
    const record: LocalExecutionRecord = { name, arn, input, startDate: new Date(), execution };
    this.executions.set(name, record);
    void execution.result.then((result) => {
      record.result = result;
      this.options.onStatusChange?.(this.statusEvent(record, result));
    });
    return { executionArn: arn, startDate: record.startDate };
  }

  sendTaskSuccess(token: string, output: string): void {
    sendTaskSuccess(token, JSON.parse(output));
  }

  sendTaskFailure(token: string, error?: string, cause?: string): void {
    sendTaskFailure(token, error ?? 'States.TaskFailed', cause);
  }

  /** The state machine whose execution holds `token`, if a task is waiting for it. */
  stateMachineOfToken(token: string): string | undefined {
    return pendingCallbacks().some((pending) => pending.token === token)
      ? this.options.stateMachineArn
      : undefined;
  }

  describeExecution(executionArn: string) {
    const record = [...this.executions.values()].find((candidate) => candidate.arn === executionArn);
    if (!record) throw new NamedError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return {
      executionArn: record.arn,
      stateMachineArn: this.options.stateMachineArn,
      name: record.name,
      status: record.result?.status ?? ('RUNNING' as const),
      startDate: record.startDate,
      input: record.input,
      output: record.result?.output === undefined ? undefined : JSON.stringify(record.result.output),
      error: record.result?.error,
    };
  }

  /** Every execution's end, once all have settled. */
  async settled(): Promise<WorkflowResult[]> {
    return Promise.all([...this.executions.values()].map((record) => record.execution.result));
  }

  private taskHandlers(): Record<string, TaskHandler> {
    const handlers: Record<string, TaskHandler> = {};
    for (const functionName of new Set(Object.values(taskSteps(this.options.definition)))) {
      const functionArn = this.options.stateMachineArn
        .replace(':states:', ':lambda:')
        .replace(/:stateMachine:.*$/, `:function:${functionName}`);
      handlers[functionName] = (payload) => {
        const decision = authorize({
          caller: { kind: 'role', roleArn: this.options.roleArn, sessionName: 'states' },
          action: 'lambda:InvokeFunction',
          resource: functionArn,
          identityStatements: this.options.statements,
        });
        if (!decision.allowed) {
          // Step Functions reports a refused invoke as Lambda.AWSLambdaException: the Catch escalates.
          return Promise.reject(
            new NamedError(
              'Lambda.AWSLambdaException',
              `the state machine role is not authorized to perform: lambda:InvokeFunction on resource: ${functionArn} ${decision.reason}`,
            ),
          );
        }
        const run = () => this.options.invokeLambda(functionName, payload);
        return this.options.aroundTask ? this.options.aroundTask(run) : run();
      };
    }
    return handlers;
  }

  private statusEvent(record: LocalExecutionRecord, result: WorkflowResult): Record<string, unknown> {
    const arnParts = this.options.stateMachineArn.split(':');
    return {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: arnParts[4],
      time: new Date().toISOString(),
      region: arnParts[3],
      resources: [record.arn],
      detail: {
        executionArn: record.arn,
        stateMachineArn: this.options.stateMachineArn,
        name: record.name,
        status: result.status,
        startDate: record.startDate.getTime(),
        stopDate: Date.now(),
        input: record.input,
        output: result.output === undefined ? null : JSON.stringify(result.output),
        error: result.error ?? null,
        cause: result.cause === undefined ? null : String(result.cause),
      },
    };
  }
}
