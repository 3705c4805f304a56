/**
 * Runs the synthesized rollback definition with aws-local-stepfunctions, in this process.
 *
 * - Tasks: every Task state is overridden (`taskResourceLocalHandlers`, keyed by state name) with
 *   a local handler, looked up by state name first, then by the state's step (see `taskSteps`).
 *   A handler receives what the Lambda would (`Payload` of `{FunctionName, Payload}` for the
 *   `lambda:invoke` integrations, the whole task input for a plain function ARN) and returns what
 *   the Lambda would; the runner wraps it back (`{Payload: …}`) where the integration does.
 * - Callbacks (`.waitForTaskToken`): the runner mints a task token per attempt (the definition's
 *   `$$.Task.Token` resolves to a placeholder that the runner replaces with it), calls the handler
 *   with it, then waits for `sendTaskSuccess(token, output)` / `sendTaskFailure(token, error, cause)`
 *   — on the execution handle or module-wide — or for the state's `TimeoutSeconds` × `waitScale`,
 *   which fails the task with `States.Timeout` (the definition's Catch escalates).
 * - Waits: `waitTimeOverrides` are getters read when a Wait state starts: `Seconds`, `SecondsPath`
 *   (resolved against the state data), `Timestamp(Path)`, all × `waitScale`. The state data is
 *   tracked as the execution input with each task's result applied at its ResultPath — the data
 *   flow of our definition, where every task keeps the whole state. Retry intervals are scaled too.
 * - Transitions: the library's event log is streamed to `onTransition` with timestamps.
 */
import './polyfills.ts';
import { randomUUID } from 'node:crypto';
import { type RunOptions, StateMachine } from 'aws-local-stepfunctions';
import type { AslDefinition } from './definition.ts';
import { taskSteps } from './definition.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type AslState = AslDefinition['States'][string];

/** What the handler of a task learns besides its payload. */
export interface TaskContext {
  readonly stateName: string;
  /** The step (Lambda) the state invokes, if it invokes one of ours. */
  readonly step: string | undefined;
  readonly executionName: string;
  /** For `.waitForTaskToken` states: the token the handler must hand to whoever decides. */
  readonly taskToken?: string;
}

export type TaskHandler = (payload: unknown, context: TaskContext) => unknown;

export type TransitionEvent =
  | {
      readonly kind: 'execution';
      readonly phase: 'started' | 'succeeded' | 'failed' | 'aborted' | 'timed-out';
      readonly timestamp: number;
      /** ISO 8601 of `timestamp`. */
      readonly at: string;
      readonly input?: unknown;
      readonly output?: unknown;
      readonly error?: string;
      readonly cause?: unknown;
    }
  | {
      readonly kind: 'state';
      readonly phase: 'entered' | 'exited' | 'failed' | 'retried' | 'caught';
      readonly stateName: string;
      readonly stateType: string;
      readonly step: string | undefined;
      readonly timestamp: number;
      readonly at: string;
      readonly input?: unknown;
      readonly output?: unknown;
      readonly error?: string;
      readonly cause?: unknown;
      /** For `retried`: how many retries of this retrier came before. */
      readonly attempt?: number;
    };

export interface PendingCallback {
  readonly token: string;
  readonly executionName: string;
  readonly stateName: string;
  readonly step: string | undefined;
  readonly payload: unknown;
  /** When the callback times out (local, scaled), epoch ms. */
  readonly expiresAt: number;
}

export interface RunWorkflowOptions {
  /** From `loadDefinition()`. */
  readonly definition: AslDefinition;
  /** Execution input: `{ incidentId, service, version, decision, triggers }`. */
  readonly input: unknown;
  /**
   * Handlers by Task state name (take precedence over `stepHandlers`).
   * @default {}
   */
  readonly taskHandlers?: Record<string, TaskHandler>;
  /**
   * Handlers by step (`confirm-trigger`, `verify`, …): apply to every state invoking that step.
   * @default {}
   */
  readonly stepHandlers?: Record<string, TaskHandler>;
  /**
   * Factor applied to every wait, retry interval and callback timeout (0.001 turns 30 min into 1.8 s).
   * @default 1
   */
  readonly waitScale?: number;
  /**
   * Called for each execution and state event, in order.
   * @default - no listener
   */
  readonly onTransition?: (event: TransitionEvent) => void;
  /**
   * Called when a `.waitForTaskToken` state starts waiting.
   * @default - no listener
   */
  readonly onCallback?: (pending: PendingCallback) => void;
  /**
   * Execution name (the dispatcher derives it from the incident id), exposed as `$$.Execution.Name`.
   * @default `local-<uuid>`
   */
  readonly executionName?: string;
}

export interface WorkflowResult {
  readonly executionName: string;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  readonly output?: unknown;
  /** For FAILED: the error name (e.g. `RollbackEscalated`) and its cause. */
  readonly error?: string;
  readonly cause?: unknown;
  /** State names in the order they were entered. */
  readonly visited: string[];
  readonly transitions: TransitionEvent[];
}

export interface WorkflowExecution {
  readonly executionName: string;
  /** Settles once the execution ended and every transition was delivered; never rejects for a failed workflow. */
  readonly result: Promise<WorkflowResult>;
  sendTaskSuccess(token: string, output: unknown): void;
  sendTaskFailure(token: string, error: string, cause?: string): void;
  /** Callbacks of this execution still waiting for a decision. */
  pendingCallbacks(): PendingCallback[];
  abort(): void;
}

/** A task state has no handler: refused before the execution starts. */
export class MissingTaskHandlerError extends Error {
  override readonly name = 'MissingTaskHandlerError';
}

/** `sendTaskSuccess`/`sendTaskFailure` for a token that is unknown, or already decided or expired. */
export class TaskDoesNotExistError extends Error {
  override readonly name = 'TaskDoesNotExist';
}

/** The state data cannot resolve a Wait state's path: the run fails loudly instead of guessing. */
export class WaitTimeUnresolvableError extends Error {
  override readonly name = 'WaitTimeUnresolvableError';
}

/** The value `$$.Task.Token` resolves to before the runner substitutes the real token. */
const TASK_TOKEN_PLACEHOLDER = '__sentinel_local_task_token__';

interface Waiter extends PendingCallback {
  resolve(output: unknown): void;
  reject(error: Error): void;
}

/** Every pending callback of every running execution, by token (tokens are unique). */
const waiters = new Map<string, Waiter>();

/** Resolves a pending `.waitForTaskToken` task with `output` as its result. */
export function sendTaskSuccess(token: string, output: unknown): void {
  takeWaiter(token).resolve(output);
}

/** Fails a pending `.waitForTaskToken` task with `error` (its name, matched by Retry/Catch). */
export function sendTaskFailure(token: string, error: string, cause?: string): void {
  takeWaiter(token).reject(namedError(error, cause ?? ''));
}

/** Every callback waiting in this process. */
export function pendingCallbacks(): PendingCallback[] {
  return [...waiters.values()].map(publicView);
}

function takeWaiter(token: string): Waiter {
  const waiter = waiters.get(token);
  if (!waiter) throw new TaskDoesNotExistError(`no task is waiting for token ${token}`);
  waiters.delete(token);
  return waiter;
}

function publicView({ token, executionName, stateName, step, payload, expiresAt }: Waiter): PendingCallback {
  return { token, executionName, stateName, step, payload, expiresAt };
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Starts one execution; see the module comment for how tasks, callbacks and waits behave. */
// AWS validates a definition once, at CreateStateMachine; validating it per execution here cost
// about a second on the P0 path (asl-validator compiles its schemas each time).
const validated = new WeakSet<AslDefinition>();

/** Validates a definition as CreateStateMachine would (throws on an invalid one); later runs skip it. */
export function validateDefinition(definition: AslDefinition): void {
  if (validated.has(definition)) return;
  new StateMachine(definition);
  validated.add(definition);
}

export function runWorkflow(options: RunWorkflowOptions): WorkflowExecution {
  const { definition } = options;
  const executionName = options.executionName ?? `local-${randomUUID()}`;
  const waitScale = options.waitScale ?? 1;
  if (!(waitScale >= 0)) throw new RangeError(`waitScale must be ≥ 0, got ${waitScale}`);
  const steps = taskSteps(definition);
  const tracker = new StateDataTracker(options.input);

  const overrides: Record<string, (input: Json) => Promise<Json>> = {};
  const missing: string[] = [];
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') continue;
    const step = steps[stateName];
    const handler =
      options.taskHandlers?.[stateName] ?? (step === undefined ? undefined : options.stepHandlers?.[step]);
    if (!handler) {
      missing.push(step === undefined ? stateName : `${stateName} (step ${step})`);
      continue;
    }
    overrides[stateName] = taskOverride({
      stateName,
      state,
      step,
      handler,
      executionName,
      waitScale,
      tracker,
      options,
    });
  }
  if (missing.length > 0) {
    throw new MissingTaskHandlerError(`no local handler for task state(s): ${missing.join(', ')}`);
  }

  const runOptions: RunOptions = {
    overrides: {
      taskResourceLocalHandlers: overrides,
      waitTimeOverrides: waitOverrides(definition, waitScale, tracker),
      retryIntervalOverrides: waitScale === 1 ? undefined : retryOverrides(definition, waitScale),
    },
    noThrowOnAbort: true,
    context: {
      Execution: {
        Id: `arn:aws:states:us-east-1:123456789012:execution:RollbackWorkflow:${executionName}`,
        Name: executionName,
      },
      StateMachine: { Name: 'RollbackWorkflow' },
      Task: { Token: TASK_TOKEN_PLACEHOLDER },
    },
  };
  validateDefinition(definition);
  const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
  const execution = machine.run(options.input as Json, runOptions);

  const result = (async (): Promise<WorkflowResult> => {
    const transitions: TransitionEvent[] = [];
    const visited: string[] = [];
    let status: WorkflowResult['status'] = 'FAILED';
    let output: unknown;
    let error: string | undefined;
    let cause: unknown;
    for await (const event of execution.eventLogs) {
      const timestamp = event.timestamp;
      const at = new Date(timestamp).toISOString();
      let transition: TransitionEvent | undefined;
      switch (event.type) {
        case 'ExecutionStarted':
          transition = { kind: 'execution', phase: 'started', timestamp, at, input: event.input };
          break;
        case 'ExecutionSucceeded':
          status = 'SUCCEEDED';
          output = event.output;
          transition = { kind: 'execution', phase: 'succeeded', timestamp, at, output: event.output };
          break;
        case 'ExecutionFailed':
          status = 'FAILED';
          error = event.Error;
          cause = event.Cause;
          transition = {
            kind: 'execution',
            phase: 'failed',
            timestamp,
            at,
            error: event.Error,
            cause: event.Cause,
          };
          break;
        case 'ExecutionAborted':
          status = 'ABORTED';
          transition = { kind: 'execution', phase: 'aborted', timestamp, at };
          break;
        case 'ExecutionTimeout':
          status = 'TIMED_OUT';
          transition = { kind: 'execution', phase: 'timed-out', timestamp, at };
          break;
        case 'StateEntered':
        case 'StateExited':
        case 'StateFailed':
        case 'StateRetried':
        case 'StateCaught': {
          const base = {
            kind: 'state' as const,
            stateName: event.state.name,
            stateType: event.state.type,
            step: steps[event.state.name],
            timestamp,
            at,
            input: event.state.input,
          };
          if (event.type === 'StateEntered') {
            visited.push(event.state.name);
            transition = { ...base, phase: 'entered' };
          } else if (event.type === 'StateExited') {
            transition = { ...base, phase: 'exited', output: event.state.output };
          } else if (event.type === 'StateFailed') {
            transition = { ...base, phase: 'failed', error: event.Error, cause: event.Cause };
          } else if (event.type === 'StateRetried') {
            transition = { ...base, phase: 'retried', attempt: event.retry.attempt };
          } else {
            transition = { ...base, phase: 'caught' };
          }
          break;
        }
        default:
          break; // Map / Parallel events: the rollback workflow has none.
      }
      if (transition) {
        transitions.push(transition);
        options.onTransition?.(transition);
      }
    }
    // The library settles `result` too; its rejection carries nothing the event log did not.
    await execution.result.catch(() => undefined);
    rejectWaiters(executionName, `execution ${executionName} ended ${status}`);
    return { executionName, status, output, error, cause, visited, transitions };
  })();

  return {
    executionName,
    result,
    sendTaskSuccess: (token, output) => ownWaiter(token, executionName).resolve(output),
    sendTaskFailure: (token, error, cause) =>
      ownWaiter(token, executionName).reject(namedError(error, cause ?? '')),
    pendingCallbacks: () =>
      [...waiters.values()].filter((w) => w.executionName === executionName).map(publicView),
    abort: () => {
      rejectWaiters(executionName, `execution ${executionName} aborted`);
      execution.abort();
    },
  };
}

function ownWaiter(token: string, executionName: string): Waiter {
  if (waiters.get(token)?.executionName !== executionName) {
    throw new TaskDoesNotExistError(`no task of execution ${executionName} is waiting for token ${token}`);
  }
  return takeWaiter(token);
}

function rejectWaiters(executionName: string, reason: string): void {
  for (const waiter of [...waiters.values()]) {
    if (waiter.executionName !== executionName) continue;
    waiters.delete(waiter.token);
    waiter.reject(namedError('States.Runtime', reason));
  }
}

interface TaskOverrideArgs {
  stateName: string;
  state: AslState & { Type: 'Task' };
  step: string | undefined;
  handler: TaskHandler;
  executionName: string;
  waitScale: number;
  tracker: StateDataTracker;
  options: RunWorkflowOptions;
}

function taskOverride(args: TaskOverrideArgs): (input: Json) => Promise<Json> {
  const { stateName, state, step, handler, executionName, waitScale, tracker, options } = args;
  const optimized = state.Resource.startsWith('arn:aws:states:::lambda:invoke');
  const callback = state.Resource.endsWith('.waitForTaskToken');
  let attempt = 0;

  return async (input) => {
    // The lambda:invoke integrations hand the Lambda `Parameters.Payload`; a function ARN, the input.
    const payload = optimized ? ((input as { Payload?: Json } | null)?.Payload ?? null) : input;
    if (!callback) {
      const returned = await handler(payload, { stateName, step, executionName });
      const result = toJson(returned);
      const taskResult: Json = optimized
        ? { Payload: result, StatusCode: 200, ExecutedVersion: '$LATEST' }
        : result;
      tracker.applyTaskResult(state, taskResult);
      return taskResult;
    }

    attempt += 1;
    const token = `local:${executionName}:${stateName}:${attempt}:${randomUUID()}`;
    const timeoutMs = (state.TimeoutSeconds ?? 60) * 1000 * waitScale;
    const withToken = replaceValue(payload, TASK_TOKEN_PLACEHOLDER, token);
    const decided = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (waiters.get(token) === waiter) waiters.delete(token);
        reject(
          namedError('States.Timeout', `${stateName} got no callback within ${timeoutMs} ms (local, scaled)`),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        token,
        executionName,
        stateName,
        step,
        payload: withToken,
        expiresAt: Date.now() + timeoutMs,
        resolve: (output) => {
          clearTimeout(timer);
          resolve(output);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      // Registered before the handler runs, so even a handler that decides at once finds it.
      waiters.set(token, waiter);
    });
    decided.catch(() => undefined); // observed below; avoids an unhandled rejection meanwhile
    try {
      await handler(withToken, { stateName, step, executionName, taskToken: token });
    } catch (error) {
      // The Lambda itself failed: no one will ever call back with this token.
      const waiter = waiters.get(token);
      if (waiter) {
        waiters.delete(token);
        waiter.reject(error instanceof Error ? error : namedError('Error', String(error)));
      }
      throw error;
    }
    const pending = waiters.get(token);
    if (pending) options.onCallback?.(publicView(pending));
    // A callback's result is what SendTaskSuccess was given, not the Lambda's response.
    const output = toJson(await decided);
    tracker.applyTaskResult(state, output);
    return output;
  };
}

function waitOverrides(
  definition: AslDefinition,
  waitScale: number,
  tracker: StateDataTracker,
): Record<string, number> {
  const overrides: Record<string, number> = {};
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Wait') continue;
    // A getter: the library reads it when the Wait state starts, after the data it depends on exists.
    Object.defineProperty(overrides, stateName, {
      enumerable: true,
      get: () => Math.max(0, Math.round(waitMs(stateName, state, tracker) * waitScale)),
    });
  }
  return overrides;
}

function waitMs(stateName: string, state: AslState & { Type: 'Wait' }, tracker: StateDataTracker): number {
  if (state.Seconds !== undefined) return state.Seconds * 1000;
  if (state.Timestamp !== undefined) return Date.parse(state.Timestamp) - Date.now();
  const path = state.SecondsPath ?? state.TimestampPath;
  const value = path === undefined ? undefined : tracker.read(path);
  if (state.SecondsPath !== undefined && typeof value === 'number') return value * 1000;
  if (state.TimestampPath !== undefined && typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
    return Date.parse(value) - Date.now();
  }
  throw new WaitTimeUnresolvableError(
    `${stateName}: ${path ?? 'no wait field'} gives ${JSON.stringify(value)} in the state data` +
      (tracker.exact ? '' : ' (the local runner could not track the state data exactly)'),
  );
}

function retryOverrides(definition: AslDefinition, waitScale: number): Record<string, number[]> {
  const overrides: Record<string, number[]> = {};
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (!('Retry' in state) || !state.Retry) continue;
    // One scaled pause per retrier (the library takes a constant per retrier, so no backoff).
    overrides[stateName] = state.Retry.map((retrier) =>
      Math.round((retrier.IntervalSeconds ?? 1) * 1000 * waitScale),
    );
  }
  return overrides;
}

/**
 * The state data as the Wait states will see it: the execution input, with each task's result
 * applied at its ResultPath (after a simple ResultSelector). Exact for definitions whose tasks use
 * plain `$.a.b` paths and no InputPath/OutputPath — ours; otherwise `exact` turns false and a
 * wait that needs the data fails with a clear error.
 */
class StateDataTracker {
  private data: Json;
  exact = true;

  constructor(input: unknown) {
    this.data = toJson(input);
  }

  read(path: string): Json | undefined {
    const keys = pathKeys(path);
    if (!keys) return undefined;
    let node: Json | undefined = this.data;
    for (const key of keys) {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
      node = node[key];
    }
    return node;
  }

  applyTaskResult(state: AslState & { Type: 'Task' }, result: Json): void {
    if ((state.InputPath ?? '$') !== '$' || (state.OutputPath ?? '$') !== '$') this.exact = false;
    const selected = state.ResultSelector === undefined ? result : this.select(state.ResultSelector, result);
    const resultPath = state.ResultPath === undefined ? '$' : state.ResultPath;
    if (resultPath === null) return;
    const keys = pathKeys(resultPath);
    if (!keys) {
      this.exact = false;
      return;
    }
    if (keys.length === 0) {
      this.data = selected;
      return;
    }
    if (this.data === null || typeof this.data !== 'object' || Array.isArray(this.data)) this.data = {};
    let node: { [key: string]: Json } = this.data;
    for (const key of keys.slice(0, -1)) {
      const next: Json | undefined = node[key];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
      node = node[key] as { [key: string]: Json };
    }
    node[keys[keys.length - 1] as string] = selected;
  }

  private select(template: unknown, result: Json): Json {
    if (template === null || typeof template !== 'object' || Array.isArray(template)) return toJson(template);
    const selected: { [key: string]: Json } = {};
    for (const [key, value] of Object.entries(template)) {
      if (!key.endsWith('.$')) {
        selected[key] = this.select(value, result);
        continue;
      }
      const keys = typeof value === 'string' ? pathKeys(value) : undefined;
      if (!keys) {
        this.exact = false;
        continue;
      }
      let node: Json | undefined = result;
      for (const k of keys)
        node = node !== null && typeof node === 'object' && !Array.isArray(node) ? node[k] : undefined;
      if (node !== undefined) selected[key.slice(0, -2)] = node;
    }
    return selected;
  }
}

/** `$` → [], `$.a.b` → ['a', 'b']; anything fancier → undefined. */
function pathKeys(path: string): string[] | undefined {
  if (path === '$') return [];
  if (!/^\$(\.[A-Za-z_][\w-]*)+$/.test(path)) return undefined;
  return path.slice(2).split('.');
}

/** What crosses the Lambda boundary: JSON (undefined → null, Dates → strings, no functions). */
function toJson(value: unknown): Json {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
}

function replaceValue(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((item) => replaceValue(item, from, to));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, replaceValue(item, from, to)]),
    );
  }
  return value;
}
