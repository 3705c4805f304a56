/**
 * Shadow comparison (runbook "Version Change Workflow", step 7): a candidate version classifies
 * the same emails as the live one, its events marked `"shadow": true` and carrying the live
 * email's `emailId`. Pairs each shadow classification with the live classification of that email
 * (the live event's `emailId`, else its `id`) and compares the two versions. Pure.
 */
import { MINUTE_MS, minuteOf } from '../buckets.ts';
import { parseDuration } from '../duration.ts';
import { type ClassificationEvent, IMPORTANCE_CLASSES, type Importance } from '../events.ts';
import type { Policy } from '../policy.ts';
import { formatSpan } from '../span.ts';
import { roundValue } from '../triggers/result.ts';
import { type Version, versionKey } from '../version.ts';

export interface CandidateSelector {
  prompt: string;
  model?: string;
  modelVersion?: string;
}

export interface ShadowOptions {
  candidate: CandidateSelector;
  /** End of the comparison window, epoch ms. */
  at: number;
  /** Only shadow events with ts in `(at − sinceMs, at]`; undefined = every one up to `at`. */
  sinceMs?: number;
  policy: Policy;
}

export type ShadowVerdict = 'pass' | 'fail' | 'not_enough_data';
export type CheckStatus = 'pass' | 'fail' | 'not_enough_data';

export interface ShadowCheck {
  id: 'span' | 'paired_emails' | 'distribution' | 'otp_in_critical' | 'cost_ratio';
  status: CheckStatus;
  value: number | null;
  limit: string;
  reason: string;
}

export interface ShadowReport {
  at: string;
  candidate: Version[];
  active: Version[];
  verdict: ShadowVerdict;
  checks: ShadowCheck[];
  shadowEvents: number;
  pairedEmails: number;
  /** Shadow events whose email has no live classification in the input. */
  unpaired: number;
  /** Minutes covered by the paired shadow traffic, from the first one's minute to the end of the last one's. */
  spanMinutes: number;
  firstShadow: string | null;
  lastShadow: string | null;
  /** Share of paired emails both versions put in the same class. */
  agreementRate: number | null;
  /** confusion[active][candidate] = paired emails. */
  confusion: Record<Importance, Record<Importance, number>>;
  /** Class shares in percent over the paired emails, and candidate − active in pp. */
  distribution: Record<
    Importance,
    { activePct: number | null; candidatePct: number | null; diffPp: number | null }
  >;
  maxDistributionDiffPp: number | null;
  otpInCritical: number;
  latency: {
    activeP95Ms: number | null;
    candidateP95Ms: number | null;
    ratio: number | null;
    samples: number;
  };
  cost: {
    activePerEmailUsd: number | null;
    candidatePerEmailUsd: number | null;
    ratio: number | null;
    samples: number;
  };
}

function matches(version: Version, candidate: CandidateSelector): boolean {
  return (
    version.prompt === candidate.prompt &&
    (candidate.model === undefined || version.model === candidate.model) &&
    (candidate.modelVersion === undefined || version.modelVersion === candidate.modelVersion)
  );
}

function emptyConfusion(): Record<Importance, Record<Importance, number>> {
  const row = () => ({ critical: 0, time_sensitive: 0, routine: 0 });
  return { critical: row(), time_sensitive: row(), routine: row() };
}

/** Nearest-rank p95 of exact values (shadow samples are few enough to sort). */
function p95(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)] ?? null;
}

export function compareShadow(events: Iterable<ClassificationEvent>, options: ShadowOptions): ShadowReport {
  const { candidate, at, sinceMs, policy } = options;
  const limits = policy.prevention.shadow;
  const live = new Map<string, ClassificationEvent>();
  const shadows: ClassificationEvent[] = [];
  for (const event of events) {
    if (event.ts > at) continue;
    if (event.shadow === true) {
      if (!matches(event.version, candidate)) continue;
      if (sinceMs !== undefined && event.ts <= at - sinceMs) continue;
      shadows.push(event);
      continue;
    }
    // The newest live classification of an email is the one the user saw.
    const emailId = event.emailId ?? event.id;
    const seen = live.get(emailId);
    if (seen === undefined || event.ts >= seen.ts) live.set(emailId, event);
  }

  const confusion = emptyConfusion();
  const candidateVersions = new Map<string, Version>();
  const activeVersions = new Map<string, Version>();
  const activeCounts = { critical: 0, time_sensitive: 0, routine: 0 };
  const candidateCounts = { critical: 0, time_sensitive: 0, routine: 0 };
  const latency = { active: [] as number[], candidate: [] as number[] };
  const cost = { active: 0, candidate: 0, samples: 0 };
  let paired = 0;
  let agreed = 0;
  let unpaired = 0;
  let otpInCritical = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const pairedEmails = new Set<string>();
  for (const shadow of shadows) {
    candidateVersions.set(versionKey(shadow.version), shadow.version);
    if (shadow.importance === 'critical' && shadow.otp) otpInCritical += 1;
    const emailId = shadow.emailId ?? shadow.id;
    const active = live.get(emailId);
    if (active === undefined) {
      unpaired += 1;
      continue;
    }
    if (pairedEmails.has(emailId)) continue; // one candidate answer per email: the first one counts
    pairedEmails.add(emailId);
    activeVersions.set(versionKey(active.version), active.version);
    paired += 1;
    first = Math.min(first, shadow.ts);
    last = Math.max(last, shadow.ts);
    confusion[active.importance][shadow.importance] += 1;
    activeCounts[active.importance] += 1;
    candidateCounts[shadow.importance] += 1;
    if (active.importance === shadow.importance) agreed += 1;
    if (active.latencyMs !== undefined && shadow.latencyMs !== undefined) {
      latency.active.push(active.latencyMs);
      latency.candidate.push(shadow.latencyMs);
    }
    if (active.costUsd !== undefined && shadow.costUsd !== undefined) {
      cost.active += active.costUsd;
      cost.candidate += shadow.costUsd;
      cost.samples += 1;
    }
  }

  const share = (count: number) => (paired === 0 ? null : roundValue((count * 100) / paired));
  const distribution = Object.fromEntries(
    IMPORTANCE_CLASSES.map((importance) => {
      const activePct = share(activeCounts[importance]);
      const candidatePct = share(candidateCounts[importance]);
      const diffPp =
        paired === 0
          ? null
          : roundValue(((candidateCounts[importance] - activeCounts[importance]) * 100) / paired);
      return [importance, { activePct, candidatePct, diffPp }];
    }),
  ) as ShadowReport['distribution'];
  const maxDiff =
    paired === 0 ? null : Math.max(...IMPORTANCE_CLASSES.map((c) => Math.abs(distribution[c].diffPp ?? 0)));
  const activeP95 = p95(latency.active);
  const candidateP95 = p95(latency.candidate);
  const latencyRatio =
    activeP95 === null || candidateP95 === null || activeP95 === 0 ? null : candidateP95 / activeP95;
  const activeCost = cost.samples === 0 ? null : cost.active / cost.samples;
  const candidateCost = cost.samples === 0 ? null : cost.candidate / cost.samples;
  const costRatio =
    activeCost === null || candidateCost === null || activeCost === 0 ? null : candidateCost / activeCost;
  const spanMinutes = paired === 0 ? 0 : (minuteOf(last) + MINUTE_MS - minuteOf(first)) / MINUTE_MS;

  const minSpanMs = parseDuration(limits.minSpan);
  const checks: ShadowCheck[] = [
    {
      id: 'span',
      status: spanMinutes * MINUTE_MS >= minSpanMs ? 'pass' : 'not_enough_data',
      value: spanMinutes,
      limit: `≥ ${limits.minSpan}`,
      reason: `paired shadow traffic covers ${formatSpan(spanMinutes * MINUTE_MS)}, need ${formatSpan(parseDuration(limits.minSpan))}`,
    },
    {
      id: 'paired_emails',
      status: paired >= limits.minPairedEmails ? 'pass' : 'not_enough_data',
      value: paired,
      limit: `≥ ${limits.minPairedEmails}`,
      reason: `${paired} emails classified by both versions, need ${limits.minPairedEmails}`,
    },
    {
      id: 'distribution',
      status: maxDiff === null ? 'not_enough_data' : maxDiff > limits.maxDistributionPp ? 'fail' : 'pass',
      value: maxDiff === null ? null : roundValue(maxDiff),
      limit: `≤ ${limits.maxDistributionPp} pp`,
      reason:
        maxDiff === null
          ? 'no paired emails'
          : `largest class share difference ${maxDiff.toFixed(1)} pp (${IMPORTANCE_CLASSES.map((c) => `${c} ${signed(distribution[c].diffPp ?? 0)}`).join(', ')})`,
    },
    {
      id: 'otp_in_critical',
      status:
        otpInCritical > limits.maxOtpInCritical ? 'fail' : shadows.length === 0 ? 'not_enough_data' : 'pass',
      value: otpInCritical,
      limit: `≤ ${limits.maxOtpInCritical}`,
      reason: `${otpInCritical} OTP emails classified critical by the candidate (of ${shadows.length} shadow classifications)`,
    },
    {
      id: 'cost_ratio',
      status:
        costRatio === null
          ? 'not_enough_data'
          : roundValue(costRatio) > limits.maxCostRatio
            ? 'fail'
            : 'pass',
      value: costRatio === null ? null : roundValue(costRatio),
      limit: `≤ ${limits.maxCostRatio}×`,
      reason:
        costRatio === null
          ? 'no paired emails with a cost on both sides'
          : `candidate $${fmtUsd(candidateCost)} vs active $${fmtUsd(activeCost)} per email over ${cost.samples} paired emails`,
    },
  ];
  // An OTP in critical fails at once, however little data there is; otherwise every guard must be met first.
  const otpFailed = checks.some((c) => c.id === 'otp_in_critical' && c.status === 'fail');
  const verdict: ShadowVerdict = otpFailed
    ? 'fail'
    : checks.some((c) => c.status === 'not_enough_data')
      ? 'not_enough_data'
      : checks.some((c) => c.status === 'fail')
        ? 'fail'
        : 'pass';

  return {
    at: new Date(at).toISOString(),
    candidate: [...candidateVersions.values()],
    active: [...activeVersions.values()],
    verdict,
    checks,
    shadowEvents: shadows.length,
    pairedEmails: paired,
    unpaired,
    spanMinutes,
    firstShadow: paired === 0 ? null : new Date(first).toISOString(),
    lastShadow: paired === 0 ? null : new Date(last).toISOString(),
    agreementRate: paired === 0 ? null : roundValue(agreed / paired),
    confusion,
    distribution,
    maxDistributionDiffPp: maxDiff === null ? null : roundValue(maxDiff),
    otpInCritical,
    latency: {
      activeP95Ms: activeP95,
      candidateP95Ms: candidateP95,
      ratio: latencyRatio === null ? null : roundValue(latencyRatio),
      samples: latency.active.length,
    },
    cost: {
      activePerEmailUsd: activeCost === null ? null : roundValue(activeCost),
      candidatePerEmailUsd: candidateCost === null ? null : roundValue(candidateCost),
      ratio: costRatio === null ? null : roundValue(costRatio),
      samples: cost.samples,
    },
  };
}

function signed(pp: number): string {
  return `${pp >= 0 ? '+' : ''}${pp.toFixed(1)} pp`;
}

function fmtUsd(value: number | null): string {
  return value === null ? '-' : String(Number(value.toPrecision(3)));
}
