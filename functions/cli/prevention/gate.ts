/** `sentinel gate`: the pre-deploy check of a candidate version, run as a CI step. */
import { readFile } from 'node:fs/promises';
import { ValidationError } from '../../core/errors.ts';
import type { GdsReportEvent } from '../../core/events.ts';
import type { Policy } from '../../core/policy.ts';
import {
  type Baseline,
  type BaselineDelta,
  baselineDelta,
  baselineOf,
  type GateResult,
  runGate,
} from '../../core/prevention/gate.ts';
import type { ShadowReport } from '../../core/prevention/shadow.ts';
import { readVersionFile } from '../../core/revert/version-file.ts';
import { describeVersion, type Version } from '../../core/version.ts';
import { previousStableBaseline } from '../../core/versions/registry.ts';
import type { VersionRegistry } from '../../ports.ts';
import { type TableOptions, table } from '../table.ts';
import { ensureReadable, readGdsReports, readOptionalText } from './files.ts';
import { shadowCommand } from './shadow.ts';

export interface GateOptions {
  versionFile: string;
  gds?: string;
  versionsLog?: string;
  /** A `sentinel shadow --json` report of the candidate. */
  shadow?: string;
  /** Or an events file to compare the candidate's shadow classifications in, as `sentinel shadow` does. */
  shadowEvents?: string;
  /** `--no-shadow --reason R`: waive the shadow check, recording why. */
  skipShadow?: { reason: string };
  /** Where baselines are recorded (only by a passing gate) and the previous stable one is read. */
  versions: VersionRegistry;
  policy: Policy;
  now: number;
  onProblem?: (line: string) => void;
}

export interface GateRun {
  result: GateResult;
  /** The baseline recorded in the version registry: only a passing gate records one. */
  baseline: Baseline | null;
  /** The candidate's measurements against the previous stable version's baseline, when there is one. */
  delta: BaselineDelta | null;
}

export async function gateCommand(options: GateOptions): Promise<GateRun> {
  if (options.skipShadow && (options.shadow !== undefined || options.shadowEvents !== undefined)) {
    throw new ValidationError('--no-shadow: cannot be combined with --shadow or --shadow-events');
  }
  if (options.shadow !== undefined && options.shadowEvents !== undefined) {
    throw new ValidationError('--shadow and --shadow-events: give one of them');
  }
  await ensureReadable(options.versionFile, '--version-file');
  const candidate = readVersionFile(options.versionFile, await readFile(options.versionFile, 'utf8'));
  const reports: GdsReportEvent[] = options.gds === undefined ? [] : await readGdsReports(options.gds);
  const shadow = await readShadow(options, candidate);
  const versionsLogPath = options.versionsLog ?? options.policy.repository.versionsLog;
  const result = runGate({
    at: options.now,
    candidate,
    reports,
    versionsLog: await readOptionalText(versionsLogPath),
    versionsLogPath,
    ...(shadow === undefined ? {} : { shadow }),
    ...(options.skipShadow ? { skipShadow: options.skipShadow } : {}),
    policy: options.policy,
  });
  const measured = baselineOf(result, shadow);
  const previous = previousStableBaseline(await options.versions.list(), candidate);
  if (result.passed) await options.versions.recordBaseline(candidate, measured, new Date(options.now));
  return {
    result,
    baseline: result.passed ? measured : null,
    delta: previous === undefined ? null : baselineDelta(measured, previous),
  };
}

async function readShadow(options: GateOptions, candidate: Version): Promise<ShadowReport | undefined> {
  if (options.shadowEvents !== undefined) {
    return shadowCommand({
      events: options.shadowEvents,
      candidate: { prompt: candidate.prompt, model: candidate.model, modelVersion: candidate.modelVersion },
      policy: options.policy,
      ...(options.onProblem ? { onProblem: options.onProblem } : {}),
    });
  }
  if (options.shadow === undefined) return undefined;
  await ensureReadable(options.shadow, '--shadow');
  let document: unknown;
  try {
    document = JSON.parse(await readFile(options.shadow, 'utf8'));
  } catch (error) {
    throw new ValidationError(`--shadow: ${options.shadow} is not valid JSON (${(error as Error).message})`);
  }
  const report = document as Partial<ShadowReport> | null;
  const verdicts = ['pass', 'fail', 'not_enough_data'];
  if (
    report === null ||
    typeof report !== 'object' ||
    !verdicts.includes(report.verdict as string) ||
    !Array.isArray(report.candidate) ||
    !Array.isArray(report.checks) ||
    typeof report.pairedEmails !== 'number' ||
    typeof report.at !== 'string'
  ) {
    throw new ValidationError(
      `--shadow: ${options.shadow} is not a shadow report (expected the output of \`sentinel shadow --json\`)`,
    );
  }
  return report as ShadowReport;
}

const signed = (value: number | null, digits: number) =>
  value === null ? '-' : `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;

export function formatGate({ result, baseline, delta }: GateRun, options: TableOptions = {}): string {
  const rows = result.checks.map((check) => [
    check.id,
    check.passed ? 'pass' : 'FAIL',
    check.value === null ? '-' : String(check.value),
    check.limit,
    check.reason,
  ]);
  const lines = [
    `gate for ${describeVersion(result.candidate)}: ${result.passed ? 'PASS' : 'FAIL'}`,
    '',
    table(['CHECK', 'RESULT', 'VALUE', 'LIMIT', 'REASON'], rows, options),
    '',
  ];
  if (result.shadowSkipped) lines.push(`shadow comparison skipped: ${result.shadowSkipped.reason}`);
  lines.push(
    delta === null
      ? 'no previous stable version has a baseline to compare with'
      : `against the baseline of ${describeVersion(delta.previous)} (${delta.recordedAt}): ` +
          `critical precision ${signed(delta.criticalPrecision, 3)}, recall ${signed(delta.criticalRecall, 3)}, ` +
          `OTP in critical ${signed(delta.otpInCritical, 0)}`,
    (baseline === null
      ? 'no baseline recorded: the gate failed'
      : 'baseline recorded in the version registry') +
      (result.ignoredReports > 0 ? ` (${result.ignoredReports} reports of other versions ignored)` : ''),
  );
  return lines.join('\n');
}
