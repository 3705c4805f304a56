import { parseDuration } from '../duration.ts';
import type { Incident } from './incident.ts';

export interface CooldownHit {
  lastIncidentId: string;
  lastCommittedAt: string;
  until: string;
}

/**
 * The cooldown of ARCHITECTURE.md §6: the newest incident of the service that committed a revert
 * (a real one, not a dry run) within `cooldown` of `now` blocks the next automatic rollback.
 */
export function cooldownHit(
  incidents: readonly Incident[],
  service: string,
  now: Date,
  cooldown: string,
): CooldownHit | undefined {
  const spanMs = parseDuration(cooldown);
  const last = incidents
    .filter((incident) => incident.service === service && incident.revert && !incident.revert.dryRun)
    .map((incident) => ({ incident, at: Date.parse(incident.revert?.committedAt ?? '') }))
    .filter(({ at }) => Number.isFinite(at) && at <= now.getTime() && now.getTime() - at < spanMs)
    .sort((a, b) => b.at - a.at)[0];
  if (!last) return undefined;
  return {
    lastIncidentId: last.incident.id,
    lastCommittedAt: new Date(last.at).toISOString(),
    until: new Date(last.at + spanMs).toISOString(),
  };
}

/** A cooldown incident already paged for this version in the current cooldown: do not page again. */
export function cooldownAlreadyPaged(
  incidents: readonly Incident[],
  service: string,
  versionKeyOf: (incident: Incident) => string,
  versionKey: string,
  hit: CooldownHit,
): Incident | undefined {
  return incidents.find(
    (incident) =>
      incident.service === service &&
      incident.cooldown?.lastIncidentId === hit.lastIncidentId &&
      versionKeyOf(incident) === versionKey,
  );
}
