import { describeVersion } from '../core/version.ts';
import type { VersionRecord } from '../core/versions/registry.ts';

/** `sentinel versions`: the registry as a table, newest traffic first. */
export function formatVersions(records: readonly VersionRecord[]): string {
  if (records.length === 0) return 'no versions known yet (ingest traffic, or run a rollback)';
  const rows = records.map((record) => [
    describeVersion(record.version),
    record.status,
    record.firstSeen === undefined ? '-' : isoMinute(record.firstSeen),
    record.lastSeen === undefined ? '-' : isoMinute(record.lastSeen),
    record.commit ? record.commit.slice(0, 12) : '-',
    stableVia(record),
  ]);
  const header = ['VERSION', 'STATUS', 'FIRST SEEN', 'LAST SEEN', 'COMMIT', 'NOTE'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function stableVia(record: VersionRecord): string {
  if (record.status === 'rolled_back' || record.status === 'quarantined') {
    const by = record.rolledBackBy ? `rolled back by ${record.rolledBackBy}` : 'rolled back';
    return record.reappearances ? `${by}; back in traffic ${record.reappearances}×` : by;
  }
  if (!record.stableVia) return '';
  return record.stableVia.how === 'tag'
    ? `stable: tag ${record.stableVia.tag}`
    : `stable: verified by ${record.stableVia.incidentId}`;
}

function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
