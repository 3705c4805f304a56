/**
 * Statistics benchmark: how often each mode breaches a version that is exactly at the threshold
 * (a false alarm) and one that has regressed, and how many samples the first breach takes.
 * Histories are simulated with the project's seeded PRNG and judged by the real evaluators.
 *
 * fp_budget: a version's first `days` days at `perDay` emails/day, each email a critical false
 * positive with the true rate (over 3 days also: healthy on day 1, regressed from day 2). The
 * scheduled evaluator judges it every minute; the trigger reads its 24 h window's sums and, in
 * sequential mode, the sums since the version's first traffic, so its result changes only at
 * minutes where an email enters or leaves the window — judging exactly those minutes is judging
 * every minute. Results are memoized by those sums, which is exact because the evaluator is pure.
 * "Samples at first breach" are the window's emails in threshold mode and the version's emails
 * since its first traffic in sequential mode (what each mode judged).
 *
 * GDS precision / recall: one report per seed with `criticals` labelled critical emails.
 *
 *   npx tsx test/bench/statistics.ts
 */
import { pathToFileURL } from 'node:url';
import { emptyBucket, type MinuteBucket } from '../../functions/core/buckets.ts';
import type { GdsReportEvent } from '../../functions/core/events.ts';
import { DEFAULT_POLICY, type Policy, parsePolicy } from '../../functions/core/policy.ts';
import { evaluateCriticalPrecision } from '../../functions/core/triggers/critical-precision.ts';
import { evaluateCriticalRecall } from '../../functions/core/triggers/critical-recall.ts';
import { evaluateFpBudget } from '../../functions/core/triggers/fp-budget.ts';
import type { Outcome, TriggerResult } from '../../functions/core/triggers/types.ts';
import { seededRandom } from '../../functions/local/simulator.ts';

const DAY_MINUTES = 1440;
const AT0 = Date.parse('2026-11-01T00:00:00Z');
const VERSION = { model: 'm', modelVersion: '1', prompt: 'p' };
const MODES = ['threshold', 'sequential'] as const;
type Mode = (typeof MODES)[number];

function policyFor(mode: Mode): Policy {
  return parsePolicy({ statistics: { mode } });
}

interface Tally {
  breaches: number;
  runs: number;
  /** Samples (emails or tp+errors) at the first breach, per run that breached. */
  samplesToBreach: number[];
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

/** One version's history: the email minutes and which of them were false positives. */
function fpHistory(
  seed: number,
  days: number,
  perDay: number,
  rate: number,
  /** From this day on (0-based), the rate is `lateRate`: a regression after a healthy start. */
  late?: { day: number; rate: number },
): { minute: number; fp: boolean }[] {
  const random = seededRandom(seed);
  const perMinute = perDay / DAY_MINUTES;
  const emails: { minute: number; fp: boolean }[] = [];
  for (let minute = 0; minute < days * DAY_MINUTES; minute++) {
    const now = late !== undefined && minute >= late.day * DAY_MINUTES ? late.rate : rate;
    if (random() < perMinute) emails.push({ minute, fp: random() < now });
  }
  return emails;
}

/**
 * The evaluator's outcome for a window holding `classified` emails with `fp` false positives, of
 * `total` and `totalFp` since the version's first traffic (the part before the window as one
 * bucket two days back). Threshold mode reads only the window, so it is memoized by the window.
 */
function fpOutcome(
  memo: Map<string, Outcome>,
  policy: Policy,
  classified: number,
  fp: number,
  total: number,
  totalFp: number,
): Outcome {
  const cumulative = policy.statistics.mode === 'sequential';
  const key = cumulative ? `${classified},${fp},${total},${totalFp}` : `${classified},${fp}`;
  const cached = memo.get(key);
  if (cached !== undefined) return cached;
  const buckets: MinuteBucket[] = [{ ...emptyBucket(AT0), classified, criticalFp: fp }];
  if (total > classified) {
    buckets.push({
      ...emptyBucket(AT0 - 2 * DAY_MINUTES * 60_000),
      classified: total - classified,
      criticalFp: totalFp - fp,
    });
  }
  const result = evaluateFpBudget({ at: AT0, version: VERSION, buckets, gdsReports: [], policy });
  memo.set(key, result.outcome);
  return result.outcome;
}

/** Replays one history through the 24 h window; the first breach's judged sample count, or null. */
function firstFpBreach(
  emails: { minute: number; fp: boolean }[],
  memo: Map<string, Outcome>,
  policy: Policy,
): number | null {
  const instants = [...new Set(emails.flatMap((e) => [e.minute, e.minute + DAY_MINUTES]))].sort(
    (a, b) => a - b,
  );
  const last =
    emails.length === 0 ? 0 : DAY_MINUTES * Math.ceil(((emails.at(-1)?.minute ?? 0) + 1) / DAY_MINUTES);
  let enter = 0;
  let leave = 0;
  let classified = 0;
  let fp = 0;
  let totalFp = 0;
  for (const at of instants) {
    if (at >= last) break;
    while (enter < emails.length && (emails[enter]?.minute as number) <= at) {
      classified += 1;
      if (emails[enter]?.fp) {
        fp += 1;
        totalFp += 1;
      }
      enter += 1;
    }
    while (leave < enter && (emails[leave]?.minute as number) <= at - DAY_MINUTES) {
      classified -= 1;
      if (emails[leave]?.fp) fp -= 1;
      leave += 1;
    }
    if (fpOutcome(memo, policy, classified, fp, enter, totalFp) === 'breach') {
      // The samples the mode judged: the window's, or (sequential) the version's since its first traffic.
      return policy.statistics.mode === 'sequential' ? enter : classified;
    }
  }
  return null;
}

function gdsReport(tp: number, errors: number, field: 'fp' | 'fn'): GdsReportEvent {
  const critical = { tp, fp: 0, fn: 0, [field]: errors };
  return {
    type: 'gds_report',
    id: 'g',
    ts: AT0,
    version: VERSION,
    dataset: 'gds',
    critical,
  } as GdsReportEvent;
}

function binomial(random: () => number, n: number, p: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) if (random() < p) count += 1;
  return count;
}

export interface Row {
  trigger: string;
  scenario: string;
  mode: Mode;
  breachRate: number;
  runs: number;
  medianSamplesToBreach: number | null;
}

function fpRows(seeds: number, days: number, perDay: number): Row[] {
  const rows: Row[] = [];
  const scenarios: [string, number, { day: number; rate: number } | undefined][] = [
    ['healthy at 5 per 100', 0.05, undefined],
    ['regressed to 10 per 100', 0.1, undefined],
  ];
  if (days > 1) scenarios.push(['5 per 100 on day 1, then 10 per 100', 0.05, { day: 1, rate: 0.1 }]);
  for (const [scenario, rate, late] of scenarios) {
    const tallies = Object.fromEntries(
      MODES.map((m): [Mode, Tally] => [m, { breaches: 0, runs: 0, samplesToBreach: [] }]),
    ) as Record<Mode, Tally>;
    const memos = Object.fromEntries(MODES.map((m) => [m, new Map<string, Outcome>()])) as Record<
      Mode,
      Map<string, Outcome>
    >;
    const policies = Object.fromEntries(MODES.map((m) => [m, policyFor(m)])) as Record<Mode, Policy>;
    for (let seed = 1; seed <= seeds; seed++) {
      const emails = fpHistory(
        seed * 7919 + Math.round(rate * 1000) + days + (late ? 500 : 0),
        days,
        perDay,
        rate,
        late,
      );
      for (const mode of MODES) {
        const tally = tallies[mode];
        tally.runs += 1;
        const breachAt = firstFpBreach(emails, memos[mode], policies[mode]);
        if (breachAt !== null) {
          tally.breaches += 1;
          tally.samplesToBreach.push(breachAt);
        }
      }
    }
    for (const mode of MODES) {
      const tally = tallies[mode];
      rows.push({
        trigger: `fp_budget, ${days} d at ${perDay}/day`,
        scenario,
        mode,
        breachRate: tally.breaches / tally.runs,
        runs: tally.runs,
        medianSamplesToBreach: median(tally.samplesToBreach),
      });
    }
  }
  return rows;
}

function gdsRows(seeds: number, criticals: number): Row[] {
  const rows: Row[] = [];
  const cases = [
    ['critical_precision', 'healthy at precision 0.90', 0.1, 'fp'],
    ['critical_precision', 'regressed to precision 0.85', 0.15, 'fp'],
    ['critical_recall', 'healthy at recall 0.80', 0.2, 'fn'],
    ['critical_recall', 'regressed to recall 0.75', 0.25, 'fn'],
  ] as const;
  for (const [trigger, scenario, errorRate, field] of cases) {
    for (const mode of MODES) {
      const policy = policyFor(mode);
      const evaluate = trigger === 'critical_precision' ? evaluateCriticalPrecision : evaluateCriticalRecall;
      const random = seededRandom(criticals + Math.round(errorRate * 1000));
      let breaches = 0;
      for (let seed = 0; seed < seeds; seed++) {
        const errors = binomial(random, criticals, errorRate);
        const result: TriggerResult = evaluate({
          at: AT0,
          version: VERSION,
          buckets: [],
          gdsReports: [gdsReport(criticals - errors, errors, field)],
          policy,
        });
        if (result.outcome === 'breach') breaches += 1;
      }
      rows.push({
        trigger: `${trigger}, one GDS report of ${criticals}`,
        scenario,
        mode,
        breachRate: breaches / seeds,
        runs: seeds,
        medianSamplesToBreach: breaches > 0 ? criticals : null,
      });
    }
  }
  return rows;
}

/** ± two standard errors of a simulated rate. */
function plusMinus(rate: number, runs: number): string {
  return `±${(200 * Math.sqrt(Math.max(rate * (1 - rate), 1 / runs) / runs)).toFixed(2)}`;
}

export function formatRows(rows: Row[]): string {
  const header = '| trigger | true rate | mode | breach rate (± 2 se) | median samples at first breach |';
  const lines = rows.map(
    (r) =>
      `| ${r.trigger} | ${r.scenario} | ${r.mode} | ${(r.breachRate * 100).toFixed(2)} % ${plusMinus(r.breachRate, r.runs)} | ` +
      `${r.medianSamplesToBreach ?? '—'} |`,
  );
  return [header, '|---|---|---|---|---|', ...lines].join('\n');
}

export async function benchStatistics(): Promise<Record<string, number | string>> {
  const started = performance.now();
  const seeds = Number(process.env.STATISTICS_SEEDS ?? 2000);
  const rows = [...fpRows(seeds, 1, 400), ...fpRows(seeds, 3, 400), ...gdsRows(seeds * 5, 200)];
  const { alpha } = DEFAULT_POLICY.statistics.sequential;
  console.log(
    `${seeds} seeds per fp_budget scenario, ${seeds * 5} reports per GDS scenario; sequential α ${alpha * 100} % ` +
      `split over 3 triggers = ${((alpha / 3) * 100).toFixed(2)} % per trigger, β ${DEFAULT_POLICY.statistics.sequential.beta * 100} %`,
  );
  console.log(formatRows(rows));
  const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
  console.log(`(${seconds} s)`);
  return { seconds };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchStatistics();
}
