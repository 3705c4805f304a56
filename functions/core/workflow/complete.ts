import type { Clock, IncidentStore, MetricsStore, Notifier, VersionRegistry } from '../../ports.ts';
import { seriesKey } from '../aggregate.ts';
import { MINUTE_MS, type MinuteBucket, minuteOf } from '../buckets.ts';
import type { Incident } from '../incident/incident.ts';
import { rollbackFinishedMessage } from '../incident/messages.ts';
import { loadIncident, recordTransition } from '../incident/record.ts';
import type { Policy } from '../policy.ts';
import { incidentMarkers, incidentSpan } from '../rca/markers.ts';
import { renderRca } from '../rca/rca.ts';
import { renderTriggerChart } from '../rca/trigger-chart.ts';
import { sumCounter } from '../triggers/sums.ts';
import { describeVersion, type Version } from '../version.ts';
import type { WorkflowState } from './state.ts';

export interface CompleteDeps {
  incidents: IncidentStore;
  metrics: MetricsStore;
  notifier: Notifier;
  clock: Clock;
  policy: Policy;
  /** Completed: the bad version becomes `rolled_back` (watched), the restored one `stable`. */
  versions?: VersionRegistry;
}

/** How far back the RCA counts the bad version's traffic (its impact). */
const IMPACT_LOOKBACK_MS = 7 * 24 * 60 * MINUTE_MS;
/** The trigger windows (24 h by default) need this much traffic before the chart's first point. */
const CHART_LOOKBACK_MS = 24 * 60 * MINUTE_MS;

/**
 * Closes the incident. Completed: the restored version passed every stage; the RCA draft and
 * its chart go into the record and the team is told. Rejected: a person declined the rollback
 * of a manual trigger. Either way the version's lock is released.
 */
export async function complete(
  deps: CompleteDeps,
  outcome: 'completed' | 'rejected',
  state: WorkflowState,
): Promise<{ outcome: 'completed' | 'rejected' }> {
  const now = deps.clock.now();
  const closed = await recordTransition(
    deps.incidents,
    state.incidentId,
    now,
    outcome === 'completed'
      ? { state: 'Complete', actor: 'workflow', note: 'every verification stage passed', status: 'completed' }
      : {
          state: 'RecordRejection',
          actor: 'workflow',
          note: 'rollback rejected by a person',
          status: 'rejected',
        },
    () => ({ outcome }),
  );
  const rca = await draftRca(deps, closed, now);
  const recorded = await recordTransition(
    deps.incidents,
    closed.id,
    now,
    { state: 'RcaDrafted', actor: 'workflow', note: `RCA draft written (sentinel rca ${closed.id})` },
    () => ({ rca }),
  );
  if (outcome === 'completed') {
    await recordVersions(deps, recorded, now);
    await deps.notifier.publish(rollbackFinishedMessage(recorded));
  }
  await deps.incidents.releaseLock(recorded);
  return { outcome };
}

/**
 * The registry after a completed rollback: the bad version is quarantined as `rolled_back` (its
 * traffic showing up again pages), and the restored version, having passed long-term
 * verification, is `stable` at the rollback commit (whose tree holds it).
 */
async function recordVersions(deps: CompleteDeps, incident: Incident, now: Date): Promise<void> {
  if (!deps.versions) return;
  await deps.versions.markRolledBack(incident.version, incident.id, now);
  if (incident.target) {
    await deps.versions.markStable(
      incident.target.version,
      { how: 'verification', incidentId: incident.id },
      now,
      incident.revert?.sha,
      true,
    );
  }
}

/** The RCA draft and chart of an incident, from its record and the metrics around it. */
export async function draftRca(
  deps: Pick<CompleteDeps, 'metrics' | 'policy'>,
  incident: Incident,
  now: Date,
): Promise<NonNullable<Incident['rca']>> {
  const detectedAt = Date.parse(incident.openedAt);
  const liveUntil = incident.deployedAt ? Date.parse(incident.deployedAt) : now.getTime();
  const bad = await deps.metrics.readBuckets(
    seriesKey(incident.version),
    minuteOf(detectedAt - IMPACT_LOOKBACK_MS),
    minuteOf(liveUntil),
  );
  // The record has detection, commit and restore, not the bad deploy: the version's first
  // minute of live traffic in the store is when it went live (within the 7-day look-back).
  const badFirstLive = firstLiveMinute(bad);
  const span = incidentSpan(incident, badFirstLive, now.getTime());
  // The trigger windows reach back before the chart's first point.
  const readFrom = minuteOf(span.from - CHART_LOOKBACK_MS);
  const restored: MinuteBucket[] = incident.target
    ? await deps.metrics.readBuckets(seriesKey(incident.target.version), readFrom, minuteOf(span.to))
    : [];
  const trigger = incident.triggers[0]?.id ?? 'otp_in_critical';
  const gds = trigger === 'critical_precision' || trigger === 'critical_recall';
  const reports = async (version: Version) =>
    gds ? deps.metrics.readGdsReports(version, span.from - IMPACT_LOOKBACK_MS, span.to) : [];
  const chartFile = `${incident.id}-chart.svg`;
  const chartSvg = renderTriggerChart({
    trigger,
    policy: deps.policy,
    versions: [
      {
        label: `${describeVersion(incident.version)} (bad)`,
        version: incident.version,
        buckets: bad.filter((bucket) => bucket.minute >= readFrom),
        gdsReports: await reports(incident.version),
      },
      ...(incident.target
        ? [
            {
              label: `${describeVersion(incident.target.version)} (restored)`,
              version: incident.target.version,
              buckets: restored,
              gdsReports: await reports(incident.target.version),
            },
          ]
        : []),
    ],
    markers: incidentMarkers(incident, badFirstLive),
    from: span.from,
    to: span.to,
    title: `${trigger}: ${incident.service}, incident ${incident.id}`,
  });
  const markdown = renderRca(incident, {
    versionFileDiff: incident.versionFileDiff ?? '(the version file diff was not recorded)',
    impact: {
      emailsClassifiedByBadVersion: sumCounter(bad, 'classified'),
      otpInCritical: sumCounter(bad, 'otpCritical'),
    },
    chart: chartFile,
    ...(badFirstLive === undefined ? {} : { badVersionFirstLive: badFirstLive }),
  });
  return { markdown, chartSvg, chartFile };
}

function firstLiveMinute(buckets: readonly MinuteBucket[]): number | undefined {
  let first: number | undefined;
  for (const bucket of buckets) {
    if (bucket.classified > 0 && (first === undefined || bucket.minute < first)) first = bucket.minute;
  }
  return first;
}

/** Re-renders the RCA of any incident on demand (`sentinel rca ID`). */
export async function rcaFor(
  deps: Pick<CompleteDeps, 'metrics' | 'policy' | 'incidents' | 'clock'>,
  incidentId: string,
): Promise<NonNullable<Incident['rca']>> {
  const incident = await loadIncident(deps.incidents, incidentId);
  return incident.rca ?? draftRca(deps, incident, deps.clock.now());
}
