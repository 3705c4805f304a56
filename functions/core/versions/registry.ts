import { SentinelError } from '../errors.ts';
import type { GdsReportEvent } from '../events.ts';
import type { Baseline } from '../prevention/gate.ts';
import { describeVersion, sameVersion, type Version } from '../version.ts';

/**
 * The version registry (ARCHITECTURE.md §5): every version seen in live traffic or named by a
 * `*-stable` tag, with its status. `rolled_back`: a completed rollback replaced it (it is watched:
 * traffic from it again pages). `quarantined`: rolled back, then seen in live traffic again.
 */
export type VersionStatus = 'active' | 'stable' | 'rolled_back' | 'quarantined';

export type StableVia = { how: 'tag'; tag: string } | { how: 'verification'; incidentId: string };

export interface VersionRecord {
  version: Version;
  status: VersionStatus;
  /** Live-traffic sightings (epoch ms); absent for a version only known from a tag. */
  firstSeen?: number;
  lastSeen?: number;
  /** A commit whose tree holds this version (the one that introduced it, or its stable tag's). */
  commit?: string;
  stableVia?: StableVia;
  /** ISO instant of the last status change. */
  statusChangedAt?: string;
  /** The incident that rolled it back. */
  rolledBackBy?: string;
  /** Newest `lastSeen` already paged for as a re-appearance (dedupe). */
  reappearancePagedSeen?: number;
  reappearances?: number;
  /** What the passing pre-deploy gate measured (`sentinel gate`). */
  baseline?: Baseline;
}

/**
 * The baseline to compare a candidate with: the stable version (other than the candidate) with a
 * recorded baseline, the most recently seen in traffic first, else the most recently recorded.
 */
export function previousStableBaseline(
  records: readonly VersionRecord[],
  candidate: Version,
): Baseline | undefined {
  return records
    .filter(
      (record) =>
        record.status === 'stable' &&
        record.baseline !== undefined &&
        !sameVersion(record.version, candidate),
    )
    .sort(
      (a, b) =>
        (b.lastSeen ?? -1) - (a.lastSeen ?? -1) ||
        (b.baseline?.recordedAt ?? '').localeCompare(a.baseline?.recordedAt ?? ''),
    )[0]?.baseline;
}

/** Statuses whose live traffic is a redeploy of a version Sentinel took out. */
export const WATCHED_STATUSES: readonly VersionStatus[] = ['rolled_back', 'quarantined'];

export function isWatched(record: Pick<VersionRecord, 'status'> | undefined): boolean {
  return record !== undefined && WATCHED_STATUSES.includes(record.status);
}

export function findRecord(records: readonly VersionRecord[], version: Version): VersionRecord | undefined {
  return records.find((record) => sameVersion(record.version, version));
}

/**
 * Registry-stable candidates for a rollback from `bad`, newest first: status `stable`, a known
 * commit, another version, and first seen before the bad one (when both were seen).
 */
export function stableCandidates(records: readonly VersionRecord[], bad: Version): VersionRecord[] {
  const badFirstSeen = findRecord(records, bad)?.firstSeen;
  return records
    .filter(
      (record) =>
        record.status === 'stable' &&
        record.commit !== undefined &&
        !sameVersion(record.version, bad) &&
        (badFirstSeen === undefined || record.firstSeen === undefined || record.firstSeen < badFirstSeen),
    )
    .sort((a, b) => (b.firstSeen ?? 0) - (a.firstSeen ?? 0));
}

// ---------------------------------------------------------------------------------------------
// Procedure B's GDS gate.

export interface GdsGate {
  minPrecision: number;
  minRecall: number;
}

/** Procedure B must not restore a model whose newest golden-dataset report is below the gate. */
export class GdsGateError extends SentinelError {
  override readonly name = 'GdsGateError';
}

export interface GdsGateResult {
  reportId: string;
  precision: number | null;
  recall: number | null;
}

/**
 * Judges the newest GDS report of the target (none: nothing to judge, returns null). A report
 * whose `critical` counts make precision or recall undefined (0/0) does not meet the gate.
 */
export function checkGdsGate(
  target: Version,
  reports: readonly GdsReportEvent[],
  gate: GdsGate,
): GdsGateResult | null {
  const newest = [...reports].sort((a, b) => b.ts - a.ts)[0];
  if (!newest) return null;
  const { tp, fp, fn } = newest.critical;
  const precision = tp + fp > 0 ? tp / (tp + fp) : null;
  const recall = tp + fn > 0 ? tp / (tp + fn) : null;
  const result = { reportId: newest.id, precision, recall };
  if (precision === null || recall === null || precision < gate.minPrecision || recall < gate.minRecall) {
    throw new GdsGateError(
      `GDS report ${newest.id} of ${describeVersion(target)} (${newest.dataset}) has critical precision ` +
        `${formatRatio(precision)} (needs ≥ ${gate.minPrecision}) and recall ${formatRatio(recall)} ` +
        `(needs ≥ ${gate.minRecall}): procedure B will not restore this model`,
    );
  }
  return result;
}

function formatRatio(value: number | null): string {
  return value === null ? 'undefined (no samples)' : value.toFixed(3);
}
