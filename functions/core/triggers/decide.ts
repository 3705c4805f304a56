import { type Decision, type TriggerResult, WARNING_ONLY_TRIGGERS } from './types.ts';

/**
 * The single decision funnel (ARCHITECTURE.md §4): an automatic breach rolls back without a
 * human; a manual breach asks a human to investigate; any warning is watched. Inconclusive
 * results never decide anything by themselves — they are neither healthy nor a breach. A
 * warning-only trigger (data_freshness) counts as a warning at most, so stale data alone is `watch`.
 */
export function decide(results: readonly TriggerResult[]): Decision {
  const breaches = results.filter(
    (result) => result.outcome === 'breach' && !WARNING_ONLY_TRIGGERS.has(result.id),
  );
  if (breaches.some((result) => result.kind === 'automatic')) return 'rollback';
  if (breaches.some((result) => result.kind === 'manual')) return 'investigate';
  if (results.some((result) => result.outcome === 'warning' || result.outcome === 'breach')) return 'watch';
  return 'none';
}
