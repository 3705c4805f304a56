/**
 * `sentinel` — the command line. Thin: parses options, calls functions/, prints.
 * Exit codes: 0 done, 1 the work failed (named error on stderr), 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Command, CommanderError, Option } from 'commander';
import { answerLocally, describeApproval } from '../functions/cli/approve.ts';
import { actorName, type ControlAction, controlCommand } from '../functions/cli/control.ts';
import {
  evaluateEventsFile,
  evaluateFromStore,
  parseAt,
  staleDataWarning,
} from '../functions/cli/evaluate.ts';
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
import { formatRollback, manualRollback, readRepositoryVersion } from '../functions/cli/rollback.ts';
import { missingDefaultState } from '../functions/cli/state-dir.ts';
import { formatVersions } from '../functions/cli/versions.ts';
import { SentinelError } from '../functions/core/errors.ts';
import { closeIncident } from '../functions/core/incident/close.ts';
import type { Policy } from '../functions/core/policy.ts';
import { describeVersion, type Version } from '../functions/core/version.ts';
import { openLocalStore } from '../functions/local/local-store.ts';
import { loadPolicy, loadPolicyDocument } from '../functions/local/policy-file.ts';

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
  .description('judge one version against the runbook triggers (and data freshness) and print the decision')
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
    if (evaluation.staleData)
      process.stderr.write(`${staleDataWarning(evaluation.staleData, evaluation.at)}\n`);
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
  .description(
    'run the whole stack locally in real time: ingest + approval URLs, evaluator, alarms, workflow',
  )
  .option('--port <port>', 'port of the Function URLs on 127.0.0.1', '8787')
  .option('--repository <owner/name>', 'application repository for revert commits (else notify-only)')
  .option('--github-api-url <url>', 'GitHub API base URL (with --repository; token from $GITHUB_TOKEN)')
  .addHelpText(
    'after',
    `
The synthesized CDK stack runs on this machine: each Lambda through its cloud entry with its
template environment, the evaluator every minute on the schedule rule, the alarms on the ingest
metrics, the Step Functions workflow, IAM from the template. The ingest URL uses AWS_IAM auth as
in AWS: sign requests with SigV4 (service lambda, region us-east-1) using the local classifier
credentials it prints. Answers 200 {accepted, rejected:[{index,id,field,message}], duplicates,
batchId}; 400 for a body that is not JSON or holds no events; 409 for a batchId re-used with other
events; 413 above 1,000 events or 4 MB. Re-sending a batch counts nothing twice.

Examples:
  $ sentinel serve --port 8787 --state-dir .sentinel
  $ curl --aws-sigv4 aws:amz:us-east-1:lambda --user KEY:SECRET \\
      -H 'content-type: application/json' -d @batch.json http://127.0.0.1:8787/<ingest url id>/`,
  )
  .addOption(policyOption())
  .addOption(stateDirOption())
  .action(async (options) => {
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new SentinelError(`--port: "${options.port}" is not a port number`);
    const token = process.env.GITHUB_TOKEN;
    if (options.repository && (!options.githubApiUrl || !token))
      throw new SentinelError('--repository needs --github-api-url and the token in $GITHUB_TOKEN');
    // Loaded on use: the stack's modules (aws-cdk-lib) would slow every other command's start.
    const { serve } = await import('../functions/cli/serve.ts');
    await serve({
      port,
      stateDir: options.stateDir,
      policy: await loadPolicyDocument(options.policy),
      repository: options.repository
        ? { name: options.repository, apiUrl: options.githubApiUrl, token: token ?? '' }
        : undefined,
    });
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
    const { runSampleDemo } = await import('../functions/cli/demo.ts');
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
  .description('show one incident record, or close a stuck one: sentinel incident close ID --reason R')
  .argument('<id|close>', 'incident id, or "close" followed by the id')
  .argument('[id]', 'with close: the incident to close')
  .option('--reason <text>', 'with close: why (recorded in the timeline)')
  .option('--by <name>', 'with close: who closes it (default: your user name)')
  .addOption(stateDirOption())
  .option('--json', 'print the whole record as JSON')
  .addHelpText(
    'after',
    `
Close ends an incident that nothing else will end — a manual rollback of a working copy (no
verification stages), a workflow that died — with who and why in its timeline, and releases the
version's lock so the version can be judged again. A closed, completed or escalated incident is
refused (exit 1).

Examples:
  $ sentinel incident inc-20261127-0924-804eeee4e6 --state-dir demo/state
  $ sentinel incident close inc-manual-20261127-101500-a1b2c3 --reason "verified by hand" --by alice`,
  )
  .action(async (first, second, options, command: Command) => {
    await requireLocalState(command, options.stateDir);
    if (first === 'close') {
      if (!second)
        throw new SentinelError(
          'incident close needs the incident id: sentinel incident close ID --reason R',
        );
      if (!options.reason) throw new SentinelError('incident close needs --reason (it goes into the record)');
      const by = options.by ?? `${userInfo().username}@cli`;
      const closed = await withLocalIncidents(options.stateDir, (local) =>
        closeIncident(local.incidents, second, { by, reason: options.reason, now: new Date() }),
      );
      process.stdout.write(
        options.json ? `${JSON.stringify(closed, null, 2)}\n` : `closed ${closed.id} (${options.reason})\n`,
      );
      return;
    }
    const incident = await withLocalIncidents(options.stateDir, (local) =>
      showIncident(local.incidents, first),
    );
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
  .description('roll back now: through the deployed workflow (--stack), or a local Git repository directly')
  .option(
    '--reason <text>',
    'why: goes into the commit message, the incident and the notifications (--dry-run: "dry run")',
  )
  .option('--by <name>', 'who asks (default: your user name)')
  .option('--stack <name>', 'start the rollback workflow of this deployed stack (decision manual)')
  .option('--state-machine-arn <arn>', 'the same, naming the state machine')
  .option('--model <name>', 'the bad version: model (default: read from the version file in --repo)')
  .option('--model-version <version>', 'the bad version: model version')
  .option('--prompt <version>', 'the bad version: prompt version')
  .option('--dry-run', 'local mode: print the diff it would commit and change nothing')
  .option('--repo <dir>', 'the application repository (local mode; also where the bad version is read)', '.')
  .addOption(policyOption())
  .addOption(stateDirOption())
  .option('--json', 'print the result as JSON')
  .addHelpText(
    'after',
    `
With --stack (or --state-machine-arn) the rollback runs the deployed Step Functions workflow, as a
trigger's would, with decision "manual": it notifies the team, captures the state, commits the
revert, waits for the deploy, verifies in three stages and completes (or escalates). Its incident
id is printed; follow it with the dashboard or the incident record. AWS credentials come from the
usual chain; AWS_ENDPOINT_URL points it at a local stack (sentinel serve).

Without them it reverts the local Git repository --repo directly (one commit, a fresh incident in
the local store, no verification stages: close it with sentinel incident close when done).

Examples:
  $ sentinel rollback --stack RollbackSentinel --reason "OTP emails in critical" --repo ../shopq
  $ sentinel rollback --stack RollbackSentinel --reason "cost x3" --model gemini-2.0-flash --model-version 2.0 --prompt v2
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
    const by = options.by ?? `${userInfo().username}@cli`;
    if (options.stack || options.stateMachineArn) {
      if (options.dryRun)
        command.error('error: --dry-run previews a local rollback; it does not apply with --stack');
      const version = await badVersion(options, policy);
      const { startWorkflowRollback } = await import('../functions/cli/rollback-workflow.ts');
      const result = await startWorkflowRollback({
        service: policy.service,
        version,
        by,
        reason: options.reason as string,
        now: new Date(),
        target: options.stateMachineArn
          ? { stateMachineArn: options.stateMachineArn }
          : { stackName: options.stack },
      });
      process.stdout.write(
        options.json
          ? `${JSON.stringify(result)}\n`
          : `manual rollback of ${describeVersion(version)} started: incident ${result.incidentId}, execution ${result.executionName}${result.alreadyStarted ? ' (already running)' : ''}\n`,
      );
      return;
    }
    const local = await openLocalStore(options.stateDir, policy);
    try {
      const result = await manualRollback({
        reason: options.reason ?? 'dry run',
        dryRun: Boolean(options.dryRun),
        repoDir: options.repo,
        policy,
        clock: { now: () => new Date() },
        actor: by,
        incidents: local.incidents,
        metrics: local.store,
        versions: local.versions,
      });
      process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${formatRollback(result)}\n`);
    } finally {
      await local.close();
    }
  });

/** The version to roll back: from the options, or the version file of the repository's default branch. */
async function badVersion(
  options: { model?: string; modelVersion?: string; prompt?: string; repo: string },
  policy: Policy,
): Promise<Version> {
  if (options.model || options.modelVersion || options.prompt) {
    if (!options.model || !options.modelVersion || !options.prompt)
      throw new SentinelError('--model, --model-version and --prompt go together');
    return { model: options.model, modelVersion: options.modelVersion, prompt: options.prompt };
  }
  return readRepositoryVersion(options.repo, policy);
}

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
