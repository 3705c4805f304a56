import type { Incident } from '../incident/incident.ts';
import type { ChartMarker } from './chart.ts';

/**
 * The moments the chart marks: the bad version's first live traffic (its deploy, when the store
 * saw it), detection, the rollback commit, and the restored version live.
 */
export function incidentMarkers(incident: Incident, badFirstLive?: number): ChartMarker[] {
  const markers: ChartMarker[] = [];
  if (badFirstLive !== undefined) markers.push({ t: badFirstLive, label: 'bad version live' });
  markers.push({ t: Date.parse(incident.openedAt), label: 'detection' });
  if (incident.revert) markers.push({ t: Date.parse(incident.revert.committedAt), label: 'commit' });
  if (incident.deployedAt) markers.push({ t: Date.parse(incident.deployedAt), label: 'restored live' });
  return markers.filter((marker) => Number.isFinite(marker.t));
}

/**
 * The span the chart shows: from shortly before the bad deploy to shortly after the restore,
 * with a fifth of the span (at least 15 min) of context on either side. Without a known deploy
 * it starts an hour before detection; without a restore it ends at `now`.
 */
export function incidentSpan(
  incident: Incident,
  badFirstLive: number | undefined,
  now: number,
): { from: number; to: number } {
  const detectedAt = Date.parse(incident.openedAt);
  const start = Math.min(badFirstLive ?? detectedAt - 3_600_000, detectedAt);
  const end = Math.max(incident.deployedAt ? Date.parse(incident.deployedAt) : now, detectedAt);
  const context = Math.max(15 * 60_000, (end - start) / 5);
  return { from: start - context, to: end + context };
}
