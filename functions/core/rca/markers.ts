import type { Incident } from '../incident/incident.ts';
import type { ChartMarker } from './chart.ts';

/** Detection, rollback commit and deploy of the restored version: the moments the chart marks. */
export function incidentMarkers(incident: Incident): ChartMarker[] {
  const markers: ChartMarker[] = [{ t: Date.parse(incident.openedAt), label: 'detection' }];
  if (incident.revert) markers.push({ t: Date.parse(incident.revert.committedAt), label: 'commit' });
  if (incident.deployedAt) markers.push({ t: Date.parse(incident.deployedAt), label: 'deploy' });
  return markers.filter((marker) => Number.isFinite(marker.t));
}
