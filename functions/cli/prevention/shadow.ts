/** `sentinel shadow`: compares a candidate's shadow classifications with the live version's. */
import { parseDuration } from '../../core/duration.ts';
import { ValidationError } from '../../core/errors.ts';
import { type ClassificationEvent, IMPORTANCE_CLASSES } from '../../core/events.ts';
import type { Policy } from '../../core/policy.ts';
import { type CandidateSelector, compareShadow, type ShadowReport } from '../../core/prevention/shadow.ts';
import { describeVersion, type Version, versionKey } from '../../core/version.ts';
import { parseAt } from '../evaluate.ts';
import { formatProblem, readEventsFile } from '../read-events-file.ts';
import { type TableOptions, table } from '../table.ts';
import { ensureReadable } from './files.ts';

export interface ShadowOptions {
  events: string;
  /** Undefined: the one candidate version of the shadow events (more than one is a usage error). */
  candidate?: CandidateSelector;
  since?: string;
  at?: string;
  policy: Policy;
  onProblem?: (line: string) => void;
}

export function parseDurationOption(text: string, option: string): number {
  try {
    const ms = parseDuration(text);
    if (ms <= 0) throw new Error('must be longer than 0');
    return ms;
  } catch (error) {
    throw new ValidationError(`${option}: ${(error as Error).message}`);
  }
}

export async function shadowCommand(options: ShadowOptions): Promise<ShadowReport> {
  const sinceMs = options.since === undefined ? undefined : parseDurationOption(options.since, '--since');
  const requestedAt = options.at === undefined ? undefined : parseAt(options.at, 0);
  await ensureReadable(options.events, '--events');
  const classifications: ClassificationEvent[] = [];
  let newest = Number.NEGATIVE_INFINITY;
  const { problems } = await readEventsFile(
    options.events,
    (event) => {
      if (event.type !== 'classification') return;
      classifications.push(event);
      newest = Math.max(newest, event.ts);
    },
    { otp: options.policy.otp },
  );
  for (const problem of problems) options.onProblem?.(formatProblem(problem));
  if (classifications.length === 0) {
    throw new ValidationError(`--events: ${options.events} holds no valid classification events`);
  }
  return compareShadow(classifications, {
    candidate: options.candidate ?? onlyCandidate(classifications),
    at: requestedAt ?? newest,
    ...(sinceMs === undefined ? {} : { sinceMs }),
    policy: options.policy,
  });
}

/** Without --candidate-prompt: the shadow events must name exactly one version, and that is it. */
export function onlyCandidate(classifications: readonly ClassificationEvent[]): CandidateSelector {
  const versions = new Map<string, Version>();
  for (const event of classifications) {
    if (event.shadow === true) versions.set(versionKey(event.version), event.version);
  }
  const [only, ...others] = [...versions.values()];
  if (only === undefined) {
    throw new ValidationError('--events: no shadow classifications ("shadow": true) to compare');
  }
  if (others.length > 0) {
    const names = [only, ...others].map(describeVersion).join('; ');
    throw new ValidationError(
      `--candidate-prompt: the shadow events hold ${others.length + 1} versions (${names}); name one`,
    );
  }
  return { prompt: only.prompt, model: only.model, modelVersion: only.modelVersion };
}

const pct = (value: number | null) => (value === null ? '-' : `${value.toFixed(1)}%`);
const num = (value: number | null, digits = 2) => (value === null ? '-' : value.toFixed(digits));

export function formatShadow(report: ShadowReport, options: TableOptions = {}): string {
  const versions = (list: ShadowReport['candidate']) =>
    list.length === 0 ? '(none)' : list.map(describeVersion).join(', ');
  const checks = table(
    ['CHECK', 'RESULT', 'VALUE', 'LIMIT', 'REASON'],
    report.checks.map((c) => [
      c.id,
      c.status === 'pass' ? 'pass' : c.status === 'fail' ? 'FAIL' : 'not enough data',
      c.value === null ? '-' : String(c.value),
      c.limit,
      c.reason,
    ]),
    options,
  );
  const confusion = table(
    ['ACTIVE \\ CANDIDATE', ...IMPORTANCE_CLASSES],
    IMPORTANCE_CLASSES.map((active) => [
      active,
      ...IMPORTANCE_CLASSES.map((candidate) => String(report.confusion[active][candidate])),
    ]),
  );
  const distribution = table(
    ['CLASS', 'ACTIVE', 'CANDIDATE', 'DIFF'],
    IMPORTANCE_CLASSES.map((c) => {
      const d = report.distribution[c];
      return [
        c,
        pct(d.activePct),
        pct(d.candidatePct),
        d.diffPp === null ? '-' : `${d.diffPp >= 0 ? '+' : ''}${d.diffPp.toFixed(1)} pp`,
      ];
    }),
  );
  return [
    `shadow comparison at ${report.at}: ${report.verdict === 'not_enough_data' ? 'NOT ENOUGH DATA' : report.verdict.toUpperCase()}`,
    `  candidate: ${versions(report.candidate)}`,
    `  active:    ${versions(report.active)}`,
    `  ${report.pairedEmails} paired emails (${report.shadowEvents} shadow classifications, ${report.unpaired} without a live classification)` +
      (report.firstShadow ? `, ${report.firstShadow} → ${report.lastShadow}` : ''),
    `  agreement ${report.agreementRate === null ? '-' : `${(report.agreementRate * 100).toFixed(1)}%`}; ` +
      `latency p95 ${num(report.latency.candidateP95Ms, 0)} ms vs ${num(report.latency.activeP95Ms, 0)} ms (ratio ${num(report.latency.ratio)}); ` +
      `cost ratio ${num(report.cost.ratio)}`,
    '',
    checks,
    '',
    confusion,
    '',
    distribution,
  ].join('\n');
}
