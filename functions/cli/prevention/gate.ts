/** `sentinel gate`: the pre-deploy check of a candidate version, run as a CI step. */
import { readFile } from 'node:fs/promises';
import { FileBaselineStore } from '../../adapters/file-baseline-store.ts';
import type { GdsReportEvent } from '../../core/events.ts';
import type { Policy } from '../../core/policy.ts';
import { baselineOf, type GateResult, runGate } from '../../core/prevention/gate.ts';
import { readVersionFile } from '../../core/revert/version-file.ts';
import { describeVersion } from '../../core/version.ts';
import { type TableOptions, table } from '../table.ts';
import { ensureReadable, readGdsReports, readOptionalText } from './files.ts';

export interface GateOptions {
  versionFile: string;
  gds?: string;
  versionsLog?: string;
  stateDir: string;
  policy: Policy;
  now: number;
}

export interface GateRun {
  result: GateResult;
  baseline: { location: string };
}

export async function gateCommand(options: GateOptions): Promise<GateRun> {
  await ensureReadable(options.versionFile, '--version-file');
  const candidate = readVersionFile(options.versionFile, await readFile(options.versionFile, 'utf8'));
  const reports: GdsReportEvent[] = options.gds === undefined ? [] : await readGdsReports(options.gds);
  const versionsLogPath = options.versionsLog ?? options.policy.repository.versionsLog;
  const result = runGate({
    at: options.now,
    candidate,
    reports,
    versionsLog: await readOptionalText(versionsLogPath),
    versionsLogPath,
    policy: options.policy,
  });
  const baseline = await new FileBaselineStore(options.stateDir).put(baselineOf(result));
  return { result, baseline };
}

export function formatGate({ result, baseline }: GateRun, options: TableOptions = {}): string {
  const rows = result.checks.map((check) => [
    check.id,
    check.passed ? 'pass' : 'FAIL',
    check.value === null ? '-' : String(check.value),
    check.limit,
    check.reason,
  ]);
  return [
    `gate for ${describeVersion(result.candidate)}: ${result.passed ? 'PASS' : 'FAIL'}`,
    '',
    table(['CHECK', 'RESULT', 'VALUE', 'LIMIT', 'REASON'], rows, options),
    '',
    `baseline recorded in ${baseline.location}` +
      (result.ignoredReports > 0 ? ` (${result.ignoredReports} reports of other versions ignored)` : ''),
  ].join('\n');
}
