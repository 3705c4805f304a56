/**
 * Pre-deploy gate (runbook "Version Change Workflow", steps 1–6): the candidate version named by
 * the version file must have a golden-set report meeting the seed thresholds (critical precision
 * ≥ 95 %, recall ≥ 85 %, OTP in critical == 0) and VERSIONS.md must document it. Pure: the CLI
 * reads the files and hands their contents in. Step 7 (the shadow period) is a check too: the
 * candidate needs a passing `sentinel shadow` report, unless it is skipped with a reason.
 */
import type { GdsReportEvent } from '../events.ts';
import type { Policy } from '../policy.ts';
import { formatThreshold } from '../triggers/format.ts';
import { roundValue } from '../triggers/result.ts';
import { describeVersion, sameVersion, type Version, versionKey } from '../version.ts';
import type { ShadowReport } from './shadow.ts';

export type GateCheckId =
  | 'gds_report'
  | 'critical_precision'
  | 'critical_recall'
  | 'otp_in_critical'
  | 'versions_log'
  | 'shadow';

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
  /** The shadow requirement was waived (`--no-shadow --reason R`): who reads the result sees why. */
  shadowSkipped?: { reason: string };
}

export interface GateInput {
  at: number;
  candidate: Version;
  reports: readonly GdsReportEvent[];
  /** VERSIONS.md text; undefined when the file does not exist. */
  versionsLog: string | undefined;
  versionsLogPath: string;
  /** The candidate's shadow comparison (`sentinel shadow --json`); undefined when none was given. */
  shadow?: ShadowReport;
  /** Waives the shadow check; the reason is recorded in the result. */
  skipShadow?: { reason: string };
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
  checks.push(shadowCheck(candidate, input.shadow, input.skipShadow));
  return {
    at: new Date(input.at).toISOString(),
    candidate,
    versionKey: versionKey(candidate),
    passed: checks.every((check) => check.passed),
    checks,
    report: report ? { id: report.id, ts: new Date(report.ts).toISOString(), dataset: report.dataset } : null,
    ignoredReports: input.reports.length - own.length,
    ...(input.skipShadow ? { shadowSkipped: { reason: input.skipShadow.reason } } : {}),
  };
}

/**
 * Runbook step 7–8: deploy only after the shadow period passes. The report must be a pass and
 * compare the candidate itself (every shadow version in it is the candidate).
 */
function shadowCheck(
  candidate: Version,
  report: ShadowReport | undefined,
  skip: { reason: string } | undefined,
): GateCheck {
  const limit = 'verdict pass';
  if (skip) {
    return {
      id: 'shadow',
      passed: true,
      value: 'skipped',
      limit,
      reason: `skipped (--no-shadow): ${skip.reason}`,
    };
  }
  if (report === undefined) {
    return {
      id: 'shadow',
      passed: false,
      value: null,
      limit,
      reason:
        'no shadow comparison given (pass --shadow with `sentinel shadow --json` output, or --no-shadow --reason R)',
    };
  }
  const others = report.candidate.filter((version) => !sameVersion(version, candidate));
  if (report.candidate.length === 0 || others.length > 0) {
    const compared =
      report.candidate.length === 0 ? 'no version' : report.candidate.map(describeVersion).join(', ');
    return {
      id: 'shadow',
      passed: false,
      value: report.verdict,
      limit,
      reason: `the shadow report compares ${compared}, not ${describeVersion(candidate)}`,
    };
  }
  const failed = report.checks.filter((check) => check.status !== 'pass').map((check) => check.id);
  return {
    id: 'shadow',
    passed: report.verdict === 'pass',
    value: report.verdict,
    limit,
    reason:
      `${report.pairedEmails} paired emails up to ${report.at}` +
      (report.verdict === 'pass' ? '' : `; not passed: ${failed.join(', ') || report.verdict}`),
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

/**
 * A passing gate's result as the candidate's baseline (the runbook's "update baseline.md", as
 * data), kept on the candidate's version registry item. Only a passing gate records one.
 */
export interface Baseline {
  version: Version;
  versionKey: string;
  recordedAt: string;
  source: 'gate';
  criticalPrecision: number | null;
  criticalRecall: number | null;
  otpInCritical: number | null;
  report: GateResult['report'];
  /** The shadow comparison's agreement and cost ratio, when one was given. */
  shadow: { verdict: string; agreementRate: number | null; costRatio: number | null } | null;
  shadowSkipped?: { reason: string };
}

export function baselineOf(result: GateResult, shadow?: ShadowReport): Baseline {
  const value = (id: GateCheckId) => {
    const v = result.checks.find((check) => check.id === id)?.value;
    return typeof v === 'number' ? v : null;
  };
  return {
    version: result.candidate,
    versionKey: result.versionKey,
    recordedAt: result.at,
    source: 'gate',
    criticalPrecision: value('critical_precision'),
    criticalRecall: value('critical_recall'),
    otpInCritical: value('otp_in_critical'),
    report: result.report,
    shadow:
      shadow === undefined || result.shadowSkipped
        ? null
        : { verdict: shadow.verdict, agreementRate: shadow.agreementRate, costRatio: shadow.cost.ratio },
    ...(result.shadowSkipped ? { shadowSkipped: result.shadowSkipped } : {}),
  };
}

export interface BaselineDelta {
  /** The version compared against: the newest stable one with a baseline, other than the candidate. */
  previous: Version;
  recordedAt: string;
  /** candidate − previous; null when either side has no value. */
  criticalPrecision: number | null;
  criticalRecall: number | null;
  otpInCritical: number | null;
}

export function baselineDelta(current: Baseline, previous: Baseline): BaselineDelta {
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : roundValue(a - b));
  return {
    previous: previous.version,
    recordedAt: previous.recordedAt,
    criticalPrecision: diff(current.criticalPrecision, previous.criticalPrecision),
    criticalRecall: diff(current.criticalRecall, previous.criticalRecall),
    otpInCritical: diff(current.otpInCritical, previous.otpInCritical),
  };
}
