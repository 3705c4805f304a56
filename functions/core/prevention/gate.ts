/**
 * Pre-deploy gate (runbook "Version Change Workflow", steps 1–6): the candidate version named by
 * the version file must have a golden-set report meeting the seed thresholds (critical precision
 * ≥ 95 %, recall ≥ 85 %, OTP in critical == 0) and VERSIONS.md must document it. Pure: the CLI
 * reads the files and hands their contents in.
 */
import type { GdsReportEvent } from '../events.ts';
import type { Policy } from '../policy.ts';
import { formatThreshold } from '../triggers/format.ts';
import { roundValue } from '../triggers/result.ts';
import { describeVersion, sameVersion, type Version, versionKey } from '../version.ts';

export type GateCheckId =
  | 'gds_report'
  | 'critical_precision'
  | 'critical_recall'
  | 'otp_in_critical'
  | 'versions_log';

export interface GateCheck {
  id: GateCheckId;
  passed: boolean;
  value: number | string | null;
  limit: string;
  reason: string;
}

export interface GateResult {
  /** When the gate ran (passed in; core reads no clock). */
  at: string;
  candidate: Version;
  versionKey: string;
  passed: boolean;
  checks: GateCheck[];
  /** The report judged: the candidate's newest. */
  report: { id: string; ts: string; dataset: string } | null;
  /** Reports given for other versions, which the gate ignores. */
  ignoredReports: number;
}

export interface GateInput {
  at: number;
  candidate: Version;
  reports: readonly GdsReportEvent[];
  /** VERSIONS.md text; undefined when the file does not exist. */
  versionsLog: string | undefined;
  versionsLogPath: string;
  policy: Policy;
}

export function runGate(input: GateInput): GateResult {
  const { candidate, policy } = input;
  const limits = policy.prevention.gate;
  const own = input.reports.filter((report) => sameVersion(report.version, candidate));
  const report = own.reduce<GdsReportEvent | undefined>(
    (newest, r) => (newest === undefined || r.ts >= newest.ts ? r : newest),
    undefined,
  );
  const checks: GateCheck[] = [];
  if (report === undefined) {
    checks.push({
      id: 'gds_report',
      passed: false,
      value: null,
      limit: 'required',
      reason:
        input.reports.length === 0
          ? 'no GDS report given (pass --gds with the golden-set report of the candidate)'
          : `none of the ${input.reports.length} GDS reports is for ${describeVersion(candidate)}`,
    });
  } else {
    const { tp, fp, fn } = report.critical;
    checks.push({
      id: 'gds_report',
      passed: true,
      value: report.dataset,
      limit: 'required',
      reason: `report ${report.id} on ${report.dataset} at ${new Date(report.ts).toISOString()}`,
    });
    const precision = tp + fp === 0 ? null : roundValue(tp / (tp + fp));
    const recall = tp + fn === 0 ? null : roundValue(tp / (tp + fn));
    checks.push(
      atLeast('critical_precision', precision, limits.minCriticalPrecision, `${tp} tp, ${fp} fp`),
      atLeast('critical_recall', recall, limits.minCriticalRecall, `${tp} tp, ${fn} fn`),
    );
    const otp = report.otpInCritical;
    checks.push({
      id: 'otp_in_critical',
      passed: otp !== undefined && otp <= limits.maxOtpInCritical,
      value: otp ?? null,
      limit: `≤ ${limits.maxOtpInCritical}`,
      reason:
        otp === undefined
          ? 'the report has no otpInCritical count, so OTP == 0 cannot be verified'
          : `${otp} OTP emails classified critical on ${report.dataset}`,
    });
  }
  checks.push(versionsLogCheck(candidate, input.versionsLog, input.versionsLogPath));
  return {
    at: new Date(input.at).toISOString(),
    candidate,
    versionKey: versionKey(candidate),
    passed: checks.every((check) => check.passed),
    checks,
    report: report ? { id: report.id, ts: new Date(report.ts).toISOString(), dataset: report.dataset } : null,
    ignoredReports: input.reports.length - own.length,
  };
}

function atLeast(
  id: 'critical_precision' | 'critical_recall',
  value: number | null,
  minimum: number,
  counts: string,
): GateCheck {
  const limit = `≥ ${formatThreshold(minimum)}`;
  if (value === null) {
    return { id, passed: false, value: null, limit, reason: `cannot be computed (${counts})` };
  }
  const passed = value >= minimum;
  return {
    id,
    passed,
    value,
    limit,
    reason: `${value.toFixed(3)} ${passed ? '≥' : '<'} ${formatThreshold(minimum)} (${counts})`,
  };
}

/** `v3` as a whole token: not `v30`, `v3.1` or `v3-beta`, but `v3.` at the end of a sentence. */
export function mentions(text: string, token: string): boolean {
  const escaped = token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w.-])${escaped}(?![\\w-]|\\.\\w)`).test(text);
}

/**
 * VERSIONS.md documents the change when one line names the candidate's prompt version together
 * with its model name or model version, e.g. `- 2026-11-27 gemini-2.0-flash 2.0 / prompt v3: …`.
 */
function versionsLogCheck(candidate: Version, text: string | undefined, path: string): GateCheck {
  const limit = 'documents the candidate';
  if (text === undefined) {
    return { id: 'versions_log', passed: false, value: null, limit, reason: `${path} not found` };
  }
  const lines = text.split(/\r?\n/);
  const index = lines.findIndex(
    (line) =>
      mentions(line, candidate.prompt) &&
      (mentions(line, candidate.model) || mentions(line, candidate.modelVersion)),
  );
  if (index >= 0) {
    return {
      id: 'versions_log',
      passed: true,
      value: `line ${index + 1}`,
      limit,
      reason: `${path} line ${index + 1}: ${lines[index]?.trim()}`,
    };
  }
  const promptOnly = lines.some((line) => mentions(line, candidate.prompt));
  return {
    id: 'versions_log',
    passed: false,
    value: null,
    limit,
    reason: promptOnly
      ? `${path} mentions prompt ${candidate.prompt} but on no line together with ${candidate.model} or ${candidate.modelVersion}`
      : `${path} has no line naming prompt ${candidate.prompt} with ${candidate.model} or ${candidate.modelVersion}`,
  };
}

/** The gate result as the candidate's baseline (the runbook's "update baseline.md", as data). */
export interface Baseline {
  version: Version;
  versionKey: string;
  recordedAt: string;
  source: 'gate';
  passed: boolean;
  criticalPrecision: number | null;
  criticalRecall: number | null;
  otpInCritical: number | null;
  report: GateResult['report'];
  checks: GateCheck[];
}

/** Where baselines live: a file per version locally; the version registry can implement it later. */
export interface BaselineStore {
  put(baseline: Baseline): Promise<{ location: string }>;
  get(version: Version): Promise<Baseline | undefined>;
}

export function baselineOf(result: GateResult): Baseline {
  const value = (id: GateCheckId) => {
    const v = result.checks.find((check) => check.id === id)?.value;
    return typeof v === 'number' ? v : null;
  };
  return {
    version: result.candidate,
    versionKey: result.versionKey,
    recordedAt: result.at,
    source: 'gate',
    passed: result.passed,
    criticalPrecision: value('critical_precision'),
    criticalRecall: value('critical_recall'),
    otpInCritical: value('otp_in_critical'),
    report: result.report,
    checks: result.checks,
  };
}
