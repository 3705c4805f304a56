import type { AwsCall, CallResult } from './call.ts';
import { parseJsonBody, requiredString, unknownOperation } from './call.ts';
import type { DecisionLog } from './decisions.ts';
import { AwsServiceError, epochSeconds } from './protocol.ts';

export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
}

/**
 * The state machine runner behind the Step Functions API. It decides Step Functions semantics
 * (a repeated name with the same input while running returns the same execution, another input
 * throws ExecutionAlreadyExists); it reports errors by throwing an Error whose `name` is the AWS
 * error code (ExecutionAlreadyExists, TaskDoesNotExist, TaskTimedOut, InvalidToken, …).
 */
export interface StepFunctionsBackend {
  startExecution(input: {
    stateMachineArn: string;
    name?: string;
    input?: string;
  }): Promise<{ executionArn: string; startDate: Date }> | { executionArn: string; startDate: Date };
  sendTaskSuccess(taskToken: string, output: string): Promise<void> | void;
  sendTaskFailure(taskToken: string, error?: string, cause?: string): Promise<void> | void;
  sendTaskHeartbeat?(taskToken: string): Promise<void> | void;
  /** The state machine whose execution owns the token; undefined for an unknown token. */
  stateMachineOfToken(taskToken: string): Promise<string | undefined> | string | undefined;
  describeExecution?(
    executionArn: string,
  ): Promise<ExecutionDescription | undefined> | ExecutionDescription | undefined;
}

/** Error names the Step Functions API declares; the SDK maps each to its exception class. */
const SFN_ERRORS = new Set([
  'ExecutionAlreadyExists',
  'ExecutionDoesNotExist',
  'ExecutionLimitExceeded',
  'InvalidArn',
  'InvalidExecutionInput',
  'InvalidName',
  'InvalidOutput',
  'InvalidToken',
  'StateMachineDeleting',
  'StateMachineDoesNotExist',
  'TaskDoesNotExist',
  'TaskTimedOut',
  'ValidationException',
]);

/** Step Functions' name rule: 1–80 characters, no whitespace, brackets, wildcards or control characters. */
function validExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > 80) return false;
  if (/[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(name)) return false;
  return ![...name].some((c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
}

const JSON_TEXT_LIMIT = 256 * 1024;

function asAwsError(error: unknown): unknown {
  if (error instanceof Error && SFN_ERRORS.has(error.name))
    return new AwsServiceError(error.name, error.message);
  return error;
}

function validJson(text: string | undefined, code: string, what: string): void {
  if (text === undefined) return;
  if (Buffer.byteLength(text) > JSON_TEXT_LIMIT) throw new AwsServiceError(code, `${what} exceeds 256 KiB`);
  try {
    JSON.parse(text);
  } catch {
    throw new AwsServiceError(code, `Invalid State Machine Execution ${what}: '${text.slice(0, 80)}'`);
  }
}

export async function handleStepFunctions(
  call: AwsCall,
  log: DecisionLog,
  backend: StepFunctionsBackend | undefined,
): Promise<CallResult> {
  if (!backend) throw unknownOperation('states', call.operation);
  const input = parseJsonBody(call);
  const require = (action: string, resource: string) =>
    log.require({ caller: call.caller, identityStatements: call.principal.statements, action, resource });
  try {
    switch (call.operation) {
      case 'StartExecution': {
        const stateMachineArn = requiredString(input, 'stateMachineArn');
        require('states:StartExecution', stateMachineArn);
        const name = typeof input.name === 'string' ? input.name : undefined;
        if (name !== undefined && !validExecutionName(name))
          throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
        const text = typeof input.input === 'string' ? input.input : undefined;
        validJson(text, 'InvalidExecutionInput', 'Input');
        const started = await backend.startExecution({
          stateMachineArn,
          ...(name !== undefined ? { name } : {}),
          ...(text !== undefined ? { input: text } : {}),
        });
        return { json: { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) } };
      }
      case 'SendTaskSuccess':
      case 'SendTaskFailure':
      case 'SendTaskHeartbeat': {
        const token = requiredString(input, 'taskToken');
        const stateMachineArn = await backend.stateMachineOfToken(token);
        if (!stateMachineArn)
          throw new AwsServiceError(
            'TaskDoesNotExist',
            'Task Timed Out: Provided task does not exist anymore',
          );
        require(`states:${call.operation}`, stateMachineArn);
        if (call.operation === 'SendTaskSuccess') {
          const output = requiredString(input, 'output');
          validJson(output, 'InvalidOutput', 'Output');
          await backend.sendTaskSuccess(token, output);
        } else if (call.operation === 'SendTaskFailure') {
          await backend.sendTaskFailure(
            token,
            typeof input.error === 'string' ? input.error : undefined,
            typeof input.cause === 'string' ? input.cause : undefined,
          );
        } else {
          if (!backend.sendTaskHeartbeat) throw unknownOperation('states', call.operation);
          await backend.sendTaskHeartbeat(token);
        }
        return { json: {} };
      }
      case 'DescribeExecution': {
        const executionArn = requiredString(input, 'executionArn');
        require('states:DescribeExecution', executionArn);
        if (!backend.describeExecution) throw unknownOperation('states', call.operation);
        const execution = await backend.describeExecution(executionArn);
        if (!execution)
          throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
        const { startDate, stopDate, ...rest } = execution;
        return {
          json: {
            ...rest,
            startDate: epochSeconds(startDate),
            ...(stopDate ? { stopDate: epochSeconds(stopDate) } : {}),
          },
        };
      }
      default:
        throw unknownOperation('states', call.operation);
    }
  } catch (error) {
    throw asAwsError(error);
  }
}
