/**
 * The local Lambda service: one worker thread per function, started on its first invocation,
 * with exactly the environment the function would get in AWS — its template variables plus the
 * variables the Lambda runtime itself sets (region, the role's credentials, function name) and
 * the endpoint switch `AWS_ENDPOINT_URL`. A thread per function keeps each function's module
 * singletons and `process.env` its own, as separate containers would.
 */
import { once as onceEvent } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface LocalFunction {
  /** The function's name (its physical id). */
  readonly name: string;
  readonly logicalId: string;
  readonly arn: string;
  /** A TypeScript entry or a bundled `.mjs`. */
  readonly module: string;
  /** Its full environment (template variables resolved, plus the runtime's). */
  readonly environment: Readonly<Record<string, string>>;
  readonly memoryMb: number;
  readonly timeoutMs: number;
}

/** A function answered with an error, as Lambda reports an unhandled one (`FunctionError`). */
export class LambdaFunctionError extends Error {
  override readonly name: string;
  constructor(
    readonly functionName: string,
    errorName: string,
    message: string,
    readonly remoteStack?: string,
  ) {
    super(message);
    this.name = errorName;
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export interface LambdaRuntimeOptions {
  /** Shared simulated clock for the functions' `Date` (see lambda-worker.mjs). */
  readonly clock?: SharedArrayBuffer;
  /** Each function's stdout/stderr (its "log group") goes to `<logDir>/<logicalId>.log`. */
  readonly logDir?: string;
}

class FunctionWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private sequence = 0;
  private log: WriteStream | undefined;

  constructor(
    readonly fn: LocalFunction,
    options: LambdaRuntimeOptions,
  ) {
    this.worker = new Worker(new URL('./lambda-worker.mjs', import.meta.url), {
      workerData: {
        moduleUrl: pathToFileURL(fn.module).href,
        typescript: fn.module.endsWith('.ts'),
        clock: options.clock,
        functionName: fn.name,
        functionArn: fn.arn,
        memoryMb: fn.memoryMb,
        timeoutMs: fn.timeoutMs,
      },
      env: { ...fn.environment },
      stdout: true,
      stderr: true,
    });
    if (options.logDir) {
      mkdirSync(options.logDir, { recursive: true });
      this.log = createWriteStream(join(options.logDir, `${fn.logicalId}.log`), { flags: 'a' });
      this.worker.stdout.pipe(this.log);
      this.worker.stderr.pipe(this.log);
    } else {
      this.worker.stdout.resume();
      this.worker.stderr.resume();
    }
    this.worker.on('message', (message: { id: number; ok: boolean; result?: unknown; error?: never }) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else {
        const error = message.error as unknown as { name: string; message: string; stack?: string };
        waiter.reject(new LambdaFunctionError(fn.name, error.name, error.message, error.stack));
      }
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`function ${fn.name} exited with code ${code}`)));
  }

  invoke(event: unknown): Promise<unknown> {
    const id = ++this.sequence;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, event });
    });
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  async stop(): Promise<void> {
    const exited = onceEvent(this.worker, 'exit');
    await this.worker.terminate();
    await exited.catch(() => undefined);
    this.log?.end();
  }
}

export class LambdaRuntime {
  private readonly functions = new Map<string, LocalFunction>();
  private readonly workers = new Map<string, FunctionWorker>();

  constructor(private readonly options: LambdaRuntimeOptions = {}) {}

  register(fn: LocalFunction): void {
    this.functions.set(fn.name, fn);
  }

  /** A function by name, ARN or logical id. */
  find(nameOrArn: string): LocalFunction | undefined {
    const name = nameOrArn.startsWith('arn:') ? nameOrArn.split(':')[6] : nameOrArn;
    if (name !== undefined && this.functions.has(name)) return this.functions.get(name);
    return [...this.functions.values()].find((fn) => fn.logicalId === nameOrArn);
  }

  list(): LocalFunction[] {
    return [...this.functions.values()];
  }

  /** Starts every function's environment now (init in parallel), as provisioned concurrency would. */
  warm(): void {
    for (const fn of this.functions.values()) this.workerOf(fn);
  }

  private workerOf(fn: LocalFunction): FunctionWorker {
    let worker = this.workers.get(fn.name);
    if (!worker) {
      worker = new FunctionWorker(fn, this.options);
      this.workers.set(fn.name, worker);
    }
    return worker;
  }

  /** Invokes a function synchronously (RequestResponse), as Step Functions, EventBridge or a URL would. */
  invoke(nameOrArn: string, event: unknown): Promise<unknown> {
    const fn = this.find(nameOrArn);
    if (!fn) return Promise.reject(new Error(`no local function ${nameOrArn}`));
    return this.workerOf(fn).invoke(event);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
    this.workers.clear();
  }
}
