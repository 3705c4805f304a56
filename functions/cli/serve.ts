import { join } from 'node:path';
import { DEFAULT_GITHUB_TOKEN_SECRET_NAME } from '../../lib/rollback-sentinel-stack.ts';
import { SentinelError } from '../core/errors.ts';
import { type LocalStack, startLocalStack } from '../local/stack/local-stack.ts';

export interface ServeOptions {
  /** Port of the Function URLs (ingest, approvals) on 127.0.0.1. */
  port: number;
  stateDir: string;
  /** The policy document (as in the policy file), passed to the stack as its `policy` context. */
  policy: unknown;
  /** `owner/name` and API URL of the application repository; without them the stack is notify-only. */
  repository?: { name: string; apiUrl: string; token: string };
  /** How often the schedule rule fires the evaluator. @default 60 s (the stack's rate) */
  tickMs?: number;
  onLog?: (line: string) => void;
}

export interface ServedStack {
  readonly stack: LocalStack;
  readonly ingestUrl: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

/**
 * `sentinel serve`: the synthesized stack running on this machine in real time — the ingest and
 * approval Function URLs on 127.0.0.1, the evaluator on its schedule, the alarms, the workflow —
 * with its state in `stateDir`. Callers sign ingest requests with SigV4 as in AWS, with the
 * credentials of a local classifier role granted exactly what the README tells you to grant.
 */
export async function startServe(options: ServeOptions): Promise<ServedStack> {
  const context: Record<string, unknown> = { policy: JSON.stringify(options.policy ?? {}) };
  if (options.repository) {
    context.repository = options.repository.name;
    context.githubApiUrl = options.repository.apiUrl;
  } else {
    context.notifyOnly = 'true';
  }
  const stack = await startLocalStack({
    context,
    stateDir: options.stateDir,
    functionUrlPort: options.port,
    externalSecrets: options.repository
      ? { [DEFAULT_GITHUB_TOKEN_SECRET_NAME]: options.repository.token }
      : {},
    onNotification: (message) => options.onLog?.(`✉ ${message.subject ?? '(no subject)'}`),
    onDenied: (message) => options.onLog?.(`✗ denied: ${message}`),
  });
  const credentials = stack.addClassifier('local-classifier');
  const every = options.tickMs ?? 60_000;
  const timer = setInterval(() => {
    void (async () => {
      await stack.tick();
      await stack.evaluateAlarms();
    })().catch((error: unknown) => options.onLog?.(`evaluator tick failed: ${(error as Error).message}`));
  }, every);
  return {
    stack,
    ingestUrl: stack.functionUrl('Ingestion/IngestFunction'),
    credentials,
    async close() {
      clearInterval(timer);
      await stack.close();
    },
  };
}

/** Runs `startServe` until SIGINT/SIGTERM, telling the user how to sign their requests. */
export async function serve(options: ServeOptions): Promise<void> {
  const log = (line: string) => process.stderr.write(`sentinel: ${line}\n`);
  const served = await startServe({ ...options, onLog: log }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new SentinelError(`--port ${options.port} is in use on 127.0.0.1; pick another with --port`);
    throw error;
  });
  const { accessKeyId, secretAccessKey } = served.credentials;
  log(
    `the stack runs locally (${served.stack.functions.length} Lambdas), state in ${join(options.stateDir)}`,
  );
  log(`ingest URL ${served.ingestUrl} (AWS_IAM: sign with SigV4, service lambda, region us-east-1)`);
  log(
    `local classifier credentials: AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=${secretAccessKey}`,
  );
  log(
    `e.g. curl --aws-sigv4 aws:amz:us-east-1:lambda --user ${accessKeyId}:${secretAccessKey} -H 'content-type: application/json' -d @batch.json ${served.ingestUrl}`,
  );
  if (!options.repository)
    log('no --repository: the stack is notify-only (rollbacks escalate instead of committing)');
  log('Ctrl-C stops');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await served.close();
}
