/**
 * `sentinel` — the command line. Thin: parses options, calls functions/, prints.
 * Exit codes: 0 done, 1 the work failed (named error on stderr), 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Command, CommanderError, Option } from 'commander';
import { answerLocally, describeApproval } from '../functions/cli/approve.ts';
import { actorName, type ControlAction, controlCommand } from '../functions/cli/control.ts';
import { runSampleDemo } from '../functions/cli/demo.ts';
import { evaluateEventsFile, evaluateFromStore, parseAt } from '../functions/cli/evaluate.ts';
import { formatEvaluation } from '../functions/cli/format-evaluation.ts';
import {
  formatIncident,
  formatIncidentTable,
  incidentRow,
  listIncidents,
  showIncident,
  writeRca,
} from '../functions/cli/incidents.ts';
import { ingestFile } from '../functions/cli/ingest.ts';
import { registerOtpCommand } from '../functions/cli/otp.ts';
import { registerPolicyCommand } from '../functions/cli/policy.ts';
import { registerPreventionCommands } from '../functions/cli/prevention/commands.ts';
import { progressReporter } from '../functions/cli/progress.ts';
import type { EventsFileRead } from '../functions/cli/read-events-file.ts';
import { assertStrict, readReport } from '../functions/cli/read-report.ts';
import { formatRollback, manualRollback } from '../functions/cli/rollback.ts';
import { serve } from '../functions/cli/serve.ts';
import { missingDefaultState } from '../functions/cli/state-dir.ts';
import { formatVersions } from '../functions/cli/versions.ts';
import { SentinelError } from '../functions/core/errors.ts';
import { openLocalStore } from '../functions/local/local-store.ts';
import { loadPolicy } from '../functions/local/policy-file.ts';

const DEFAULT_STATE_DIR = process.env.SENTINEL_STATE_DIR ?? '.sentinel';
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const program = new Command()
  .name('sentinel')
  .description(
    'Rollback Sentinel: watches an LLM classifier, decides when a model or prompt version must be\n' +
      'rolled back, reverts it through Git, verifies the restored version and writes the record.',
  )
  .version(PACKAGE_VERSION, '-V, --version', 'print the version of sentinel')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const policyOption = () =>
  new Option('--policy <file>', 'policy file (JSON or YAML); defaults are the runbook’s');
const stateDirOption = () =>
  new Option('--state-dir <dir>', 'where the local store keeps its data').default(DEFAULT_STATE_DIR);
/** Progress at most every 2 s; with --json only on a terminal, so a script's stderr stays quiet. */
const progress = (json: boolean) =>
  progressReporter({
    write: (line) => {
      if (!json || process.stderr.isTTY) process.stderr.write(`${line}\n`);
    },
  });
/** Unknown-field warnings and the "N of M lines rejected" summary, after the line problems. */
const reportRead = (sink: { read?: EventsFileRead }) => (read: EventsFileRead) => {
  sink.read = read;
  for (const line of readReport(read)) process.stderr.write(`${line}\n`);
};
const strictOption = () =>
  new Option('--strict', 'exit 1 when any line is rejected (the valid events are still used)');

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
  .addOption(strictOption())
  .option('--wide', 'one line per table row (reasons are not wrapped at 100 columns)')
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
    const sink: { read?: EventsFileRead } = {};
    const evaluation = options.events
      ? await evaluateEventsFile(options.events, policy, {
          ...options,
          now: Date.now(),
          onProblem: (line) => process.stderr.write(`${line}\n`),
          onProgress: progress(json),
          onRead: reportRead(sink),
        })
      : await withLocalStore(options.stateDir, (store) =>
          evaluateFromStore(store, policy, parseAt(options.at, Date.now()), options),
        );
    process.stdout.write(
      json ? `${JSON.stringify(evaluation)}\n` : `${formatEvaluation(evaluation, { wide: options.wide })}\n`,
    );
    assertStrict(Boolean(options.strict), sink.read);
  });

program
  .command('ingest')
  .description('load a .jsonl events file into the local store (re-ingesting the same file is a no-op)')
  .argument('<file>', '.jsonl events file, one event per line ("-" for stdin)')
  .addOption(policyOption())
  .addOption(stateDirOption())
  .addOption(strictOption())
  .option('--json', 'print the result as JSON')
  .addHelpText(
    'after',
    `
Invalid lines are reported as "line N: <field>: <problem>" and skipped; the rest is stored, and a
summary says how many of how many lines were rejected (--strict: then exit 1). A field no event
type knows (latency_ms for latencyMs) is ignored with a warning naming the field it resembles.
The file goes in as content-hashed chunks of 100,000 events, so a re-run (or a run after a crash)
applies only what is not there yet.

Examples:
  $ sentinel ingest traffic.jsonl
  $ cat traffic.jsonl | sentinel ingest - --json
  $ sentinel ingest traffic.jsonl --state-dir /var/lib/sentinel && sentinel evaluate --state-dir /var/lib/sentinel`,
  )
  .action(async (file, options) => {
    const policy = await loadPolicy(options.policy);
    const json = Boolean(options.json);
    const sink: { read?: EventsFileRead } = {};
    const result = await withLocalStore(options.stateDir, (store) =>
      ingestFile(store, file, policy, {
        now: Date.now(),
        onProblem: (line) => process.stderr.write(`${line}\n`),
        onProgress: progress(json),
        onRead: reportRead(sink),
      }),
    );
    process.stdout.write(
      json
        ? `${JSON.stringify(result)}\n`
        : `accepted ${result.accepted} events, rejected ${result.rejected}, duplicates ${result.duplicates}; ` +
            `${result.writes} bucket writes (${result.alreadyApplied} already applied)\n`,
    );
    assertStrict(Boolean(options.strict), sink.read);
  });

program
  .command('serve')
  .description('run the ingestion endpoint locally (POST a JSON array or {batchId, events})')
  .option('--port <port>', 'port on 127.0.0.1', '8787')
  .addHelpText(
    'after',
    `
Answers 200 {accepted, rejected:[{index,id,field,message}], duplicates, batchId}; 400 for a body
that is not JSON or holds no events; 413 above 1,000 events or 4 MB. Re-sending a batch (same
batchId, or same content) counts nothing twice.

Examples:
  $ sentinel serve --port 8787
  $ curl -s -X POST 127.0.0.1:8787 -H 'content-type: application/json' \\
      -d '{"batchId":"b-1","events":[{"type":"classification","id":"e-1","ts":"2026-11-27T10:00:00Z",
           "version":{"model":"gemini-2.0-flash","modelVersion":"2.0","prompt":"v2"},"importance":"routine"}]}'`,
  )
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
  .option('--scenario <name>', 'otp (automatic trigger) | drift (manual trigger, waits for approval)', 'otp')
  .option('--no-auto-approve', 'drift: wait for `sentinel approve ID --state-dir DIR/state` instead')
  .addHelpText(
    'after',
    `
Examples:
  $ sentinel demo                                  # = npm start: OTP regression, automatic rollback
  $ sentinel demo --scenario drift                 # manual trigger: waits for approval, auto-approves
  $ sentinel demo --scenario drift --no-auto-approve --dir demo
      then, in another terminal: sentinel approve INCIDENT --by you --state-dir demo/state
      (answer within about 25 s: the 24 h approval timeout runs at demo speed, then it expires and pages)`,
  )
  .action(async (options) => {
    await runSampleDemo({
      dir: options.dir,
      json: Boolean(options.json),
      scenario: options.scenario,
      autoApprove: options.autoApprove !== false,
    });
  });

for (const [action, description, example] of [
  [
    'pause',
    'kill switch on: no workflow writes to the repository (incidents are still recorded and notified)',
    'sentinel pause --reason "investigating a bad deploy"',
  ],
  ['resume', 'kill switch off: rollbacks may write to the repository again', 'sentinel resume'],
  ['status', 'is Sentinel paused? by whom, when, why', 'sentinel status --json'],
] as const) {
  const command = program.command(action).description(description);
  if (action !== 'status')
    command.option('--reason <text>', 'why (recorded)').option('--by <name>', 'who (default: OS user@cli)');
  command
    .addOption(stateDirOption())
    .option('--json', 'print the switch as JSON')
    .addHelpText('after', `\nExample:\n  $ ${example}`)
    .action(async (options) => {
      const result = await controlCommand(action as ControlAction, options);
      process.stdout.write(options.json ? `${JSON.stringify(result.state)}\n` : `${result.text}\n`);
    });
}

for (const approved of [true, false]) {
  const verb = approved ? 'approve' : 'reject';
  program
    .command(verb)
    .description(`${verb} the rollback of an incident waiting for approval (manual trigger)`)
    .argument('<incident>', 'incident id (sentinel incidents)')
    .option('--by <name>', 'who decides (default: OS user@cli)')
    .option('--note <text>', 'why (recorded in the timeline)')
    .addOption(stateDirOption())
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
An incident can be answered once; an answered or expired request is refused (exit 1).
When a running \`sentinel demo\` holds the store, the answer is handed over to it in
<state-dir>/pending-approvals/ and the demo resumes its workflow.

Example:
  $ sentinel ${verb} inc-20261127-0944-e7a2bb8a9a --by alice --note "checked the dashboard" --state-dir demo/state`,
    )
    .action(async (incident, options) => {
      const outcome = await answerLocally(options.stateDir, incident, {
        approved,
        by: actorName(options.by),
        note: options.note ?? '',
      });
      process.stdout.write(options.json ? `${JSON.stringify(outcome)}\n` : `${describeApproval(outcome)}\n`);
    });
}

program
  .command('incidents')
  .description('list incidents, newest first: id, status, version, triggers, opened, outcome')
  .option('--limit <n>', 'at most this many', '50')
  .addOption(stateDirOption())
  .option('--json', 'print the rows as JSON')
  .addHelpText(
    'after',
    '\nExamples:\n  $ sentinel incidents\n  $ sentinel incidents --json --state-dir demo/state',
  )
  .action(async (options, command: Command) => {
    const limit = Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new SentinelError(`--limit: "${options.limit}" is not a positive whole number`);
    if (await saidNoLocalState(command, options)) return;
    const incidents = await withLocalIncidents(options.stateDir, (local) =>
      listIncidents(local.incidents, limit),
    );
    process.stdout.write(
      options.json
        ? `${JSON.stringify(incidents.map(incidentRow))}\n`
        : `${formatIncidentTable(incidents)}\n`,
    );
  });

program
  .command('incident')
  .description('show one incident record: triggers, versions, commit, verification, timeline')
  .argument('<id>', 'incident id')
  .addOption(stateDirOption())
  .option('--json', 'print the whole record as JSON')
  .addHelpText(
    'after',
    '\nExample:\n  $ sentinel incident inc-20261127-0924-804eeee4e6 --state-dir demo/state',
  )
  .action(async (id, options, command: Command) => {
    await requireLocalState(command, options.stateDir);
    const incident = await withLocalIncidents(options.stateDir, (local) => showIncident(local.incidents, id));
    process.stdout.write(
      options.json ? `${JSON.stringify(incident, null, 2)}\n` : `${formatIncident(incident)}\n`,
    );
  });

program
  .command('rca')
  .description('write the RCA draft (<id>.md, seed template sections 1–5) and its SVG chart')
  .argument('<id>', 'incident id')
  .option('--out <dir>', 'directory to write into', '.')
  .addOption(policyOption())
  .addOption(stateDirOption())
  .addHelpText(
    'after',
    '\nExample:\n  $ sentinel rca inc-20261127-0924-804eeee4e6 --out rca/ --state-dir demo/state',
  )
  .action(async (id, options, command: Command) => {
    await requireLocalState(command, options.stateDir);
    const policy = await loadPolicy(options.policy);
    const written = await withLocalIncidents(options.stateDir, (local) =>
      writeRca(
        { incidents: local.incidents, metrics: local.store, policy, clock: { now: () => new Date() } },
        id,
        options.out,
      ),
    );
    process.stdout.write(`${written.markdown}\n${written.chart}\n`);
  });

/**
 * A listing on a fresh machine: no default state dir yet → say so (--json: `[]` on stdout, the
 * words on stderr) and exit 0 without creating it.
 */
async function saidNoLocalState(command: Command, options: { stateDir: string; json?: boolean }) {
  const missing = await missingDefaultState(options.stateDir, command.getOptionValueSource('stateDir'));
  if (missing === undefined) return false;
  if (options.json) {
    process.stdout.write('[]\n');
    process.stderr.write(`${missing}\n`);
  } else process.stdout.write(`${missing}\n`);
  return true;
}

/** One record asked for by id, on a fresh machine: it cannot be there (exit 1), and nothing is created. */
async function requireLocalState(command: Command, stateDir: string): Promise<void> {
  const missing = await missingDefaultState(stateDir, command.getOptionValueSource('stateDir'));
  if (missing !== undefined) throw new SentinelError(missing);
}

async function withLocalIncidents<T>(
  stateDir: string,
  work: (local: Awaited<ReturnType<typeof openLocalStore>>) => Promise<T>,
): Promise<T> {
  const local = await openLocalStore(stateDir);
  try {
    return await work(local);
  } finally {
    await local.close();
  }
}

program
  .command('versions')
  .description('show the version registry: status, first/last seen, commit, how it became stable')
  .addOption(stateDirOption())
  .option('--json', 'print the registry as JSON')
  .addHelpText(
    'after',
    `
Statuses: active (seen in traffic), stable (a *-stable tag, or passed long-term verification),
rolled_back (a completed rollback took it out), quarantined (seen in traffic again after that: paged).

Examples:
  $ sentinel versions
  $ sentinel versions --json | jq '.[] | select(.status == "stable")'`,
  )
  .action(async (options, command: Command) => {
    if (await saidNoLocalState(command, options)) return;
    const local = await openLocalStore(options.stateDir);
    try {
      const records = await local.versions.list();
      process.stdout.write(options.json ? `${JSON.stringify(records)}\n` : `${formatVersions(records)}\n`);
    } finally {
      await local.close();
    }
  });

program
  .command('rollback')
  .description('roll a local Git repository back to its last stable version (as the workflow would)')
  .option('--reason <text>', 'why: goes into the commit message and the incident (--dry-run: "dry run")')
  .option('--dry-run', 'print the diff it would commit and change nothing')
  .option('--repo <dir>', 'the application repository', '.')
  .addOption(policyOption())
  .addOption(stateDirOption())
  .option('--json', 'print the result as JSON')
  .addHelpText(
    'after',
    `
Examples:
  $ sentinel rollback --dry-run --repo ../shopq
  $ sentinel rollback --reason "OTP emails in critical" --repo ../shopq --json`,
  )
  .action(async (options, command: Command) => {
    // Only a real rollback needs a reason: it goes into the commit and the record. A dry run
    // writes neither, so asking for one there is friction.
    if (options.reason === undefined && !options.dryRun)
      command.error(
        "error: required option '--reason <text>' not specified (only --dry-run may leave it out)",
      );
    const policy = await loadPolicy(options.policy);
    const local = await openLocalStore(options.stateDir, policy);
    try {
      const result = await manualRollback({
        reason: options.reason ?? 'dry run',
        dryRun: Boolean(options.dryRun),
        repoDir: options.repo,
        policy,
        clock: { now: () => new Date() },
        actor: `${userInfo().username}@cli`,
        incidents: local.incidents,
        metrics: local.store,
        versions: local.versions,
      });
      process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${formatRollback(result)}\n`);
    } finally {
      await local.close();
    }
  });

registerPreventionCommands(program, DEFAULT_STATE_DIR);
registerPolicyCommand(program);
registerOtpCommand(program);

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
