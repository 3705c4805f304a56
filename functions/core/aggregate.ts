import {
  addClassification,
  addCorrection,
  emptyBucket,
  type LatencyCut,
  type MinuteBucket,
  mergeBucket,
  minuteOf,
} from './buckets.ts';
import type { GdsReportEvent, SentinelEvent } from './events.ts';
import { DEFAULT_LATENCY_CUTS } from './latency-cuts.ts';
import { seriesKey, type Version, versionKey } from './version.ts';

/** Re-exported: callers have always taken series keys from here; the encoding lives in version.ts. */
export { seriesKey };

export interface SeriesAggregate {
  series: string;
  version: Version;
  shadow: boolean;
  /** Keyed by the minute's epoch milliseconds. */
  buckets: Map<number, MinuteBucket>;
}

export interface VersionSighting {
  version: Version;
  firstSeen: number;
  lastSeen: number;
}

/** What one batch of events contributes to the store. */
export interface BatchAggregate {
  series: Map<string, SeriesAggregate>;
  gdsReports: GdsReportEvent[];
  /** Live classification traffic per version (shadow traffic is not a deployment). */
  sightings: Map<string, VersionSighting>;
  eventCount: number;
  duplicates: number;
  /** The latency thresholds counted exactly into every bucket (the ingesting policy's). */
  latencyCuts: readonly LatencyCut[];
}

/** `latencyCuts`: `latencyCuts(policy)` of the ingesting policy; the default policy's when absent. */
export function emptyAggregate(latencyCuts: readonly LatencyCut[] = DEFAULT_LATENCY_CUTS): BatchAggregate {
  return {
    series: new Map(),
    gdsReports: [],
    sightings: new Map(),
    eventCount: 0,
    duplicates: 0,
    latencyCuts,
  };
}

/**
 * Folds events into per-minute buckets. Event ids are deduplicated within the fold, so a line
 * repeated in a file or batch counts once. `seen` carries ids across calls when one file is
 * folded in several chunks.
 */
export function aggregateEvents(
  events: Iterable<SentinelEvent>,
  into: BatchAggregate = emptyAggregate(),
  seen: Set<string> = new Set(),
): BatchAggregate {
  for (const event of events) {
    if (seen.has(event.id)) {
      into.duplicates += 1;
      continue;
    }
    seen.add(event.id);
    into.eventCount += 1;
    if (event.type === 'gds_report') {
      into.gdsReports.push(event);
      continue;
    }
    const shadow = event.type === 'classification' && event.shadow === true;
    const bucket = bucketFor(into, event.version, shadow, minuteOf(event.ts));
    if (event.type === 'classification') {
      addClassification(bucket, event, into.latencyCuts);
      if (!shadow) noteSighting(into.sightings, event.version, event.ts);
    } else {
      addCorrection(bucket, event);
    }
  }
  return into;
}

/** Adds `from` into `into`; used to combine chunks and by the property tests. */
export function mergeAggregates(into: BatchAggregate, from: BatchAggregate): BatchAggregate {
  for (const series of from.series.values()) {
    for (const bucket of series.buckets.values()) {
      mergeBucket(bucketFor(into, series.version, series.shadow, bucket.minute), bucket);
    }
  }
  into.gdsReports.push(...from.gdsReports);
  for (const sighting of from.sightings.values()) {
    noteSighting(into.sightings, sighting.version, sighting.firstSeen);
    noteSighting(into.sightings, sighting.version, sighting.lastSeen);
  }
  into.eventCount += from.eventCount;
  into.duplicates += from.duplicates;
  return into;
}

function bucketFor(
  aggregate: BatchAggregate,
  version: Version,
  shadow: boolean,
  minute: number,
): MinuteBucket {
  const key = seriesKey(version, shadow);
  let series = aggregate.series.get(key);
  if (!series) {
    series = { series: key, version, shadow, buckets: new Map() };
    aggregate.series.set(key, series);
  }
  let bucket = series.buckets.get(minute);
  if (!bucket) {
    bucket = emptyBucket(minute);
    series.buckets.set(minute, bucket);
  }
  return bucket;
}

function noteSighting(sightings: Map<string, VersionSighting>, version: Version, ts: number): void {
  const key = versionKey(version);
  const sighting = sightings.get(key);
  if (!sighting) {
    sightings.set(key, { version, firstSeen: ts, lastSeen: ts });
    return;
  }
  sighting.firstSeen = Math.min(sighting.firstSeen, ts);
  sighting.lastSeen = Math.max(sighting.lastSeen, ts);
}

/** Buckets of all series, for writing: one store write per (series, minute). */
export function bucketCount(aggregate: BatchAggregate): number {
  let total = 0;
  for (const series of aggregate.series.values()) total += series.buckets.size;
  return total;
}
