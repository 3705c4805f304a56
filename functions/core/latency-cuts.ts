import type { LatencyCut } from './buckets.ts';
import { DEFAULT_POLICY, type Policy } from './policy.ts';

/**
 * The latency thresholds ingest counts exactly: the trigger's "p95 above thresholdMs" (samples
 * strictly above) and the immediate verification's "p95 below p95BelowMs" (samples at or above).
 */
export function latencyCuts(policy: Pick<Policy, 'triggers' | 'verification'>): LatencyCut[] {
  return [triggerCut(policy), verificationCut(policy)];
}

export function triggerCut(policy: Pick<Policy, 'triggers'>): LatencyCut {
  return { ms: policy.triggers.latency_p95.thresholdMs, inclusive: false };
}

export function verificationCut(policy: Pick<Policy, 'verification'>): LatencyCut {
  return { ms: policy.verification.immediate.p95BelowMs, inclusive: true };
}

/** Several policies at once (the backtest's --compare), each cut once. */
export function latencyCutsOf(...policies: Pick<Policy, 'triggers' | 'verification'>[]): LatencyCut[] {
  const byKey = new Map<string, LatencyCut>();
  for (const cut of policies.flatMap(latencyCuts)) byKey.set(`${cut.inclusive}:${cut.ms}`, cut);
  return [...byKey.values()];
}

export const DEFAULT_LATENCY_CUTS: readonly LatencyCut[] = latencyCuts(DEFAULT_POLICY);
