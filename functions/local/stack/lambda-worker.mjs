// One Lambda execution environment: loads the function's module (TypeScript entry or deployed
// bundle) with the environment the runtime gave this thread, then serves invocations.
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const { moduleUrl, typescript, clock, functionName, functionArn, memoryMb, timeoutMs } = workerData;

if (clock) installSimulatedClock(new Float64Array(clock, 0, 4), new Int32Array(clock, 32, 1));

/**
 * The demo runs days of workflow in seconds: the functions read the same simulated wall clock
 * as the rest of the local stack ([simStart, realStart, factor, pausedAt|NaN] and a seqlock, in shared memory),
 * as if the host clock ran fast. Only the wall clock moves; timers keep real time.
 */
function installSimulatedClock(view, sequence) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  const now = () => {
    for (;;) {
      const before = Atomics.load(sequence, 0);
      if (before % 2 === 1) continue; // a write is under way
      const [simStart, realStart, factor, paused] = view;
      if (Atomics.load(sequence, 0) !== before) continue;
      const real = Number.isNaN(paused) ? realNow() : paused;
      return Math.round(simStart + (real - realStart) * factor);
    }
  };
  class SimulatedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(now());
      else super(...args);
    }
    static now() {
      return now();
    }
  }
  globalThis.Date = new Proxy(SimulatedDate, { apply: () => new RealDate(now()).toString() });
}

async function load() {
  if (typescript) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  const module = await import(moduleUrl);
  if (typeof module.handler !== 'function') {
    throw Object.assign(new Error(`${moduleUrl} exports no handler function`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  return module.handler;
}

function lambdaContext(requestId) {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
}

// Init runs when the environment starts, before the first invocation, as in Lambda.
const loaded = load().catch((error) => {
  if (!String(error?.name).startsWith('Runtime.')) error.name = 'Runtime.ImportModuleError';
  throw error;
});
loaded.catch(() => undefined); // reported to each invocation below

parentPort.on('message', async ({ id, event }) => {
  try {
    const handler = await loaded;
    const result = await handler(event, lambdaContext(randomUUID()));
    parentPort.postMessage({
      id,
      ok: true,
      result: result === undefined ? null : JSON.parse(JSON.stringify(result)),
    });
  } catch (error) {
    parentPort.postMessage({
      id,
      ok: false,
      error: {
        name: error?.name ?? 'Error',
        message: error?.message ?? String(error),
        stack: typeof error?.stack === 'string' ? error.stack : undefined,
      },
    });
  }
});
