import type { GdsReportEvent } from '../events.ts';

/**
 * Whether `report` is newer than `than`: by timestamp, and of two reports stamped alike the one
 * with the greater id — so the answer never depends on the order the reports were delivered or
 * read in (ingest, the store and a shuffled file must all agree).
 */
export function isNewerReport(report: GdsReportEvent, than: GdsReportEvent | undefined): boolean {
  return than === undefined || report.ts > than.ts || (report.ts === than.ts && report.id > than.id);
}
