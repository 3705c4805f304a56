/**
 * `sentinel gate | shadow | backtest` — the prevention commands (runbook "Version Change
 * Workflow"). Registered on the main program by bin/sentinel.ts; thin like the rest of the CLI.
 */
import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { openLocalStore } from '../../local/local-store.ts';
import { loadPolicy } from '../../local/policy-file.ts';
import { backtestCommand, formatBacktest } from './backtest.ts';
import { ensureReadable } from './files.ts';
import { formatGate, gateCommand } from './gate.ts';
import { formatShadow, shadowCommand } from './shadow.ts';

const policyOption = () =>
  new Option('--policy <file>', 'policy file (JSON or YAML); defaults are the runbook’s');
const print = (json: boolean, value: unknown, text: string) =>
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
const problems = (line: string) => process.stderr.write(`${line}\n`);
const wideOption = () =>
  new Option('--wide', 'one line per table row (reasons are not wrapped at 100 columns)');

export function registerPreventionCommands(program: Command, defaultStateDir: string): void {
  program
    .command('gate')
    .description(
      'pre-deploy gate: the candidate version needs a passing GDS report, a VERSIONS.md entry and a passing shadow comparison',
    )
    .option(
      '--version-file <path>',
      'the application’s version file (.py, .ts, .json or .yaml; default: policy repository.versionFile)',
    )
    .option(
      '--gds <file>',
      'GDS report(s) of the candidate: a gds_report event JSON, a JSON array or JSON lines',
    )
    .option(
      '--versions-log <file>',
      'the change log that must document the candidate (default: policy repository.versionsLog, VERSIONS.md)',
    )
    .option('--shadow <file>', 'the candidate’s shadow comparison: the output of `sentinel shadow --json`')
    .option(
      '--shadow-events <file>',
      'or compare the candidate’s shadow classifications in this events file, as `sentinel shadow` does',
    )
    .option('--no-shadow', 'deploy without a shadow period (needs --reason, which the result records)')
    .option('--reason <text>', 'why the shadow period is skipped (with --no-shadow)')
    .addOption(policyOption())
    .addOption(
      new Option('--state-dir <dir>', 'the local store whose version registry holds the baselines').default(
        defaultStateDir,
      ),
    )
    .addOption(wideOption())
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Checks (thresholds in the policy's prevention.gate): a GDS report of the candidate exists;
critical precision ≥ 0.95; critical recall ≥ 0.85; otpInCritical == 0 (a report without the
count fails: OTP == 0 cannot be verified); VERSIONS.md has a line naming the candidate's prompt
version with its model name or model version; a shadow comparison of the candidate with verdict
pass (--shadow or --shadow-events; --no-shadow --reason R waives it and records why).
Exit 0 = pass, 1 = fail, 2 = usage error. Only a passing gate records the candidate's baseline,
in the version registry (the local store in --state-dir); the result shows the change against
the baseline of the previous stable version.

Examples:
  $ sentinel gate --gds gds-report.json --shadow shadow.json   # version file from the policy (shopq/versioning.py)
  $ sentinel gate --version-file shopq/versioning.py --gds gds-report.json --shadow-events traffic.jsonl
  $ sentinel gate --gds gds-report.json --no-shadow --reason "typo fix in the prompt, no behaviour change" --json`,
    )
    .action(async (options, command: Command) => {
      const json = Boolean(options.json);
      const skip = options.shadow === false;
      if (skip && (typeof options.reason !== 'string' || options.reason.trim() === '')) {
        command.error('error: --no-shadow needs --reason <text> (why the shadow period is skipped)');
      }
      if (!skip && options.reason !== undefined) {
        command.error('error: --reason is only for --no-shadow');
      }
      const policy = await loadPolicy(options.policy);
      // In the application repository the policy already says where the version file is.
      const versionFile: string = options.versionFile ?? policy.repository.versionFile;
      // A missing version file is named before the store is opened (and its directory created).
      await ensureReadable(versionFile, '--version-file');
      const local = await openLocalStore(options.stateDir, policy);
      try {
        const run = await gateCommand({
          versionFile,
          gds: options.gds,
          versionsLog: options.versionsLog,
          ...(typeof options.shadow === 'string' ? { shadow: options.shadow } : {}),
          ...(options.shadowEvents === undefined ? {} : { shadowEvents: options.shadowEvents }),
          ...(skip ? { skipShadow: { reason: options.reason.trim() } } : {}),
          versions: local.versions,
          policy,
          now: Date.now(),
          onProblem: problems,
        });
        print(
          json,
          { ...run.result, baseline: run.baseline, delta: run.delta },
          formatGate(run, { wide: options.wide }),
        );
        if (!run.result.passed) process.exitCode = 1;
      } finally {
        await local.close();
      }
    });

  program
    .command('shadow')
    .description('compare a candidate’s shadow classifications ("shadow": true) with the live version’s')
    .requiredOption(
      '--events <file>',
      '.jsonl events file with live and shadow classifications ("-" for stdin)',
    )
    .option(
      '--candidate-prompt <v>',
      'prompt version of the candidate (default: the one version in the shadow events)',
    )
    .option('--candidate-model <name>', 'model name of the candidate (default: any)')
    .option('--candidate-model-version <v>', 'model version of the candidate (default: any)')
    .option('--since <duration>', 'only shadow events in the last 3d, 72h, … before --at (default: all)')
    .option('--at <iso>', 'end of the comparison (default: the newest classification)')
    .addOption(policyOption())
    .addOption(wideOption())
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Pairs each shadow event with the live classification of the same email (the live event's emailId,
else its id). Verdict against the policy's prevention.shadow: fail when the candidate put an OTP
email in critical, else not enough data until the paired traffic covers 3 days and 500 emails (or
cost is missing), else fail when a class share differs by more than 5 pp or cost is above 2×.
Exit 0 = pass, 1 = fail or not enough data.

Examples:
  $ sentinel shadow --events traffic.jsonl                      # the shadow events hold one candidate
  $ sentinel shadow --events traffic.jsonl --candidate-prompt v3
  $ sentinel shadow --events traffic.jsonl --candidate-prompt v3 --candidate-model gemini-2.0-flash --since 3d --json`,
    )
    .action(async (options) => {
      const report = await shadowCommand({
        events: options.events,
        candidate:
          options.candidatePrompt === undefined
            ? undefined
            : {
                prompt: options.candidatePrompt,
                ...(options.candidateModel === undefined ? {} : { model: options.candidateModel }),
                ...(options.candidateModelVersion === undefined
                  ? {}
                  : { modelVersion: options.candidateModelVersion }),
              },
        since: options.since,
        at: options.at,
        policy: await loadPolicy(options.policy),
        onProblem: problems,
      });
      print(Boolean(options.json), report, formatShadow(report, { wide: options.wide }));
      if (report.verdict !== 'pass') process.exitCode = 1;
    });

  program
    .command('backtest')
    .description('replay an events file through the triggers minute by minute: when would each have fired?')
    .requiredOption('--events <file>', '.jsonl events file ("-" for stdin)')
    .addOption(policyOption())
    .option('--compare <file>', 'a second policy file: show how detection times change under it')
    .option('--step <duration>', 'time between evaluations', '1m')
    .option('--from <iso>', 'first step (default: first minute with live traffic)')
    .option('--to <iso>', 'last step (default: last minute with live traffic)')
    .option('--svg <file>', 'write an SVG timeline (trigger values vs thresholds, decision markers)')
    .addOption(wideOption())
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
At every step t each version with live traffic in the policy's evaluator.activeWithin is judged
exactly as \`sentinel evaluate --at t\` would judge it. Prints per trigger the first step at
warning (or worse) and at breach, the decision changes, and the first step that would have
started a rollback. Shadow events are never counted.

Examples:
  $ sentinel backtest --events last-week.jsonl
  $ sentinel backtest --events last-week.jsonl --policy current.yaml --compare stricter.yaml
  $ sentinel backtest --events last-week.jsonl --from 2026-11-24T00:00:00Z --step 5m --svg backtest.svg --json`,
    )
    .action(async (options) => {
      const run = await backtestCommand({
        events: options.events,
        policy: await loadPolicy(options.policy),
        ...(options.compare === undefined ? {} : { compare: await loadPolicy(options.compare) }),
        step: options.step,
        from: options.from,
        to: options.to,
        svg: options.svg !== undefined,
        onProblem: problems,
      });
      if (options.svg !== undefined && run.svg !== undefined) await writeFile(options.svg, run.svg, 'utf8');
      const { svg: _svg, ...data } = run;
      print(Boolean(options.json), data, formatBacktest(run, { wide: options.wide }));
    });
}
