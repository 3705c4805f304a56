/**
 * `sentinel` — the command line. Thin: parses options, calls functions/, prints.
 * Exit codes: 0 done, 1 the work failed (named error on stderr), 2 usage error.
 */
import { Command, CommanderError, Option } from 'commander';
import { runSampleDemo } from '../functions/cli/demo.ts';
import { evaluateEventsFile, evaluateFromStore, parseAt } from '../functions/cli/evaluate.ts';
import { formatEvaluation } from '../functions/cli/format-evaluation.ts';
import { ingestFile } from '../functions/cli/ingest.ts';
import { serve } from '../functions/cli/serve.ts';
import { SentinelError } from '../functions/core/errors.ts';
import { openLocalStore } from '../functions/local/local-store.ts';
import { loadPolicy } from '../functions/local/policy-file.ts';

const DEFAULT_STATE_DIR = process.env.SENTINEL_STATE_DIR ?? '.sentinel';

const program = new Command()
  .name('sentinel')
  .description(
    'Rollback Sentinel: watches an LLM classifier, decides when a model or prompt version must be\n' +
      'rolled back, reverts it through Git, verifies the restored version and writes the record.',
  )
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const policyOption = () =>
  new Option('--policy <file>', 'policy file (JSON or YAML); defaults are the runbook’s');
const stateDirOption = () =>
  new Option('--state-dir <dir>', 'where the local store keeps its data').default(DEFAULT_STATE_DIR);
const progress = (json: boolean) => (lines: number) => {
  if (!json || process.stderr.isTTY) process.stderr.write(`… ${lines.toLocaleString('en-US')} lines read\n`);
};

program
  .command('evaluate')
  .description('judge one version against the seven runbook triggers and print the decision')
  .option(
    '--events <file>',
    'evaluate straight from a .jsonl events file ("-" for stdin) instead of the local store',
  )
  .option('--at <iso>', 'the instant to evaluate at (default: newest event in --events, else now)')
  .option('--model <name>', 'model name of the version to judge (default: newest live version)')
  .option('--model-version <v>', 'model version of the version to judge')
  .option('--prompt <v>', 'prompt version of the version to judge')
  .addOption(policyOption())
  .addOption(stateDirOption())
  .option('--json', 'print the evaluation as JSON (the documented contract)')
  .addHelpText(
    'after',
    `
Outcomes per trigger: ok | warning | breach | inconclusive (too little data).
Decision: rollback (automatic trigger breached) | investigate (manual trigger breached) | watch | none.

Examples:
  $ sentinel evaluate --events traffic.jsonl --at 2026-11-27T12:00:00Z --json
  $ sentinel evaluate --events traffic.jsonl --model gemini-2.0-flash --model-version 2.0 --prompt v2
  $ sentinel ingest traffic.jsonl && sentinel evaluate`,
  )
  .action(async (options) => {
    const policy = await loadPolicy(options.policy);
    const json = Boolean(options.json);
    const evaluation = options.events
      ? await evaluateEventsFile(options.events, policy, {
          ...options,
          onProblem: (line) => process.stderr.write(`${line}\n`),
          onProgress: progress(json),
        })
      : await withLocalStore(options.stateDir, (store) =>
          evaluateFromStore(store, policy, parseAt(options.at, Date.now()), options),
        );
    process.stdout.write(json ? `${JSON.stringify(evaluation)}\n` : `${formatEvaluation(evaluation)}\n`);
  });

program
  .command('ingest')
  .description('load a .jsonl events file into the local store (re-ingesting the same file is a no-op)')
  .argument('<file>', '.jsonl events file, one event per line ("-" for stdin)')
  .addOption(policyOption())
  .addOption(stateDirOption())
  .option('--json', 'print the result as JSON')
  .action(async (file, options) => {
    const policy = await loadPolicy(options.policy);
    const json = Boolean(options.json);
    const result = await withLocalStore(options.stateDir, (store) =>
      ingestFile(store, file, policy, {
        onProblem: (line) => process.stderr.write(`${line}\n`),
        onProgress: progress(json),
      }),
    );
    process.stdout.write(
      json
        ? `${JSON.stringify(result)}\n`
        : `accepted ${result.accepted} events, rejected ${result.rejected}, duplicates ${result.duplicates}; ` +
            `${result.writes} bucket writes (${result.alreadyApplied} already applied)\n`,
    );
  });

program
  .command('serve')
  .description('run the ingestion endpoint locally (POST a JSON array or {batchId, events})')
  .option('--port <port>', 'port on 127.0.0.1', '8787')
  .addOption(policyOption())
  .addOption(stateDirOption())
  .action(async (options) => {
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new SentinelError(`--port: "${options.port}" is not a port number`);
    await serve({ port, stateDir: options.stateDir, policy: await loadPolicy(options.policy) });
  });

program
  .command('demo')
  .description('run the end-to-end demo on embedded defaults (no AWS account needed)')
  .option('--dir <dir>', 'keep the demo’s files in this directory (default: a temporary one)')
  .option('--json', 'print a JSON summary')
  .action(async (options) => {
    await runSampleDemo({ dir: options.dir, json: Boolean(options.json) });
  });

async function withLocalStore<T>(
  stateDir: string,
  work: (store: Awaited<ReturnType<typeof openLocalStore>>['store']) => Promise<T>,
): Promise<T> {
  const local = await openLocalStore(stateDir);
  try {
    return await work(local.store);
  } finally {
    await local.close();
  }
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof SentinelError) {
    process.stderr.write(`sentinel: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`sentinel: unexpected failure: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  }
}
