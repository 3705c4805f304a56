/** `sentinel backtest`: replays an events file through the triggers, minute by minute. */
import { aggregateEvents, emptyAggregate } from '../../core/aggregate.ts';
import { latencyCutsOf } from '../../core/latency-cuts.ts';
import type { Policy } from '../../core/policy.ts';
import {
  type BacktestReport,
  compareReplays,
  type DetectionChange,
  prepareHistory,
  replay,
} from '../../core/prevention/backtest.ts';
import { renderBacktestSvg } from '../../core/prevention/backtest-chart.ts';
import { formatSpan } from '../../core/span.ts';
import { describeVersion } from '../../core/version.ts';
import { parseAt } from '../evaluate.ts';
import { formatProblem, readEventsFile } from '../read-events-file.ts';
import { type TableOptions, table } from '../table.ts';
import { ensureReadable } from './files.ts';
import { parseDurationOption } from './shadow.ts';

export interface BacktestOptions {
  events: string;
  policy: Policy;
  compare?: Policy;
  step?: string;
  from?: string;
  to?: string;
  svg?: boolean;
  onProblem?: (line: string) => void;
}

export interface BacktestRun {
  report: BacktestReport;
  /** Present with --compare: the same replay under the second policy, and how detections moved. */
  compare?: { report: BacktestReport; changes: DetectionChange[] };
  svg?: string;
}

export async function backtestCommand(options: BacktestOptions): Promise<BacktestRun> {
  const stepMs = parseDurationOption(options.step ?? '1m', '--step');
  const from = options.from === undefined ? undefined : parseAt(options.from, 0);
  const to = options.to === undefined ? undefined : parseAt(options.to, 0);
  await ensureReadable(options.events, '--events');
  // Both policies' thresholds are counted, so --compare judges each on its own exact counts.
  const aggregate = emptyAggregate(
    latencyCutsOf(options.policy, ...(options.compare ? [options.compare] : [])),
  );
  const seen = new Set<string>();
  const { problems } = await readEventsFile(
    options.events,
    (event) => {
      aggregateEvents([event], aggregate, seen);
    },
    { otp: options.policy.otp },
  );
  for (const problem of problems) options.onProblem?.(formatProblem(problem));
  const history = prepareHistory(aggregate);
  const range = { stepMs, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
  const main = replay(history, options.policy, { ...range, trace: options.svg === true });
  const run: BacktestRun = { report: main.report };
  if (options.compare) {
    const second = replay(history, options.compare, range);
    run.compare = { report: second.report, changes: compareReplays(main.report, second.report) };
  }
  if (options.svg) run.svg = renderBacktestSvg(main.report, main.traces);
  return run;
}

const MAX_TIMELINE_LINES = 40;
const short = (iso: string | null) => (iso === null ? '-' : iso.replace(':00.000Z', 'Z'));

export function formatBacktest(run: BacktestRun, options: TableOptions = {}): string {
  const { report } = run;
  const lines = [
    `backtest ${short(report.from)} → ${short(report.to)}, step ${formatSpan(report.stepMs)}: ` +
      `${report.steps.toLocaleString('en-US')} steps, ${report.evaluations.toLocaleString('en-US')} evaluations`,
    report.firstRollback
      ? `first rollback would have started at ${short(report.firstRollback.at)}: ${describeVersion(report.firstRollback.version)} (${report.firstRollback.triggers.join(', ')})`
      : 'no rollback would have started',
  ];
  for (const version of report.versions) {
    lines.push(
      '',
      `${describeVersion(version.version)} — judged ${version.evaluatedSteps} steps, ${short(version.activeFrom)} → ${short(version.activeTo)}`,
      table(
        ['TRIGGER', 'FIRST WARNING', 'FIRST BREACH', 'AT FIRST BREACH'],
        version.triggers.map((t) => [
          t.id,
          short(t.firstWarning),
          short(t.firstBreach),
          t.breach?.reason ?? '',
        ]),
        options,
      ),
      'decision timeline (changes only):',
    );
    for (const change of version.timeline.slice(0, MAX_TIMELINE_LINES)) {
      const why = change.triggers.map((t) => `${t.id} ${t.outcome} (${t.value ?? '-'})`).join(', ');
      lines.push(`  ${short(change.at)}  ${change.decision.padEnd(11)}  ${why}`.trimEnd());
    }
    if (version.timeline.length > MAX_TIMELINE_LINES) {
      lines.push(`  … ${version.timeline.length - MAX_TIMELINE_LINES} more changes (--json shows all)`);
    }
  }
  if (run.compare) {
    lines.push(
      '',
      'policy comparison (first breach; negative delta = the --compare policy detects earlier):',
      table(
        ['VERSION', 'TRIGGER', 'POLICY', 'COMPARE', 'DELTA'],
        run.compare.changes
          .filter((c) => c.first !== null || c.second !== null)
          .map((c) => [
            describeVersion(c.version),
            c.trigger,
            short(c.first),
            short(c.second),
            c.deltaMinutes === null
              ? c.first === null
                ? 'only with --compare'
                : 'only with --policy'
              : c.deltaMinutes === 0
                ? '0 min'
                : `${c.deltaMinutes > 0 ? '+' : ''}${formatSpan(c.deltaMinutes * 60_000)}`,
          ]),
      ),
    );
  }
  return lines.join('\n');
}
