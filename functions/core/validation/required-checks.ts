/**
 * Required GitHub check runs by name (policy `validation.requiredChecks`): every one must have
 * completed successfully. A check that has not reported yet is pending — the deploy wait's
 * timeout decides — and a failed one escalates, named.
 */
import type { CheckRun } from '../../ports.ts';
import { SentinelError } from '../errors.ts';

/** A required check failed on the rollback commit (or the rollback branch's head). */
export class RequiredCheckFailedError extends SentinelError {
  override readonly name = 'RequiredCheckFailedError';
}

const PASSED = new Set(['success', 'neutral', 'skipped']);

export interface RequiredChecksVerdict {
  state: 'success' | 'pending' | 'failure';
  /** Required names without any run yet. */
  missing: string[];
  /** Required names whose run has not completed. */
  pending: string[];
  failed: { name: string; conclusion: string }[];
}

export function judgeRequiredChecks(
  runs: readonly CheckRun[],
  required: readonly string[],
): RequiredChecksVerdict {
  const missing: string[] = [];
  const pending: string[] = [];
  const failed: RequiredChecksVerdict['failed'] = [];
  for (const name of new Set(required)) {
    // GitHub lists the latest run per name first (filter=latest); a re-run replaces a failure.
    const run = runs.find((candidate) => candidate.name === name);
    if (run === undefined) missing.push(name);
    else if (run.status !== 'completed') pending.push(name);
    else if (!PASSED.has(run.conclusion ?? '')) failed.push({ name, conclusion: run.conclusion ?? 'none' });
  }
  const state = failed.length > 0 ? 'failure' : missing.length + pending.length > 0 ? 'pending' : 'success';
  return { state, missing, pending, failed };
}

export function describeWaiting(verdict: RequiredChecksVerdict): string {
  return [
    verdict.missing.length > 0 ? `not reported: ${verdict.missing.join(', ')}` : '',
    verdict.pending.length > 0 ? `still running: ${verdict.pending.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}
