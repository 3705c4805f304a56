import { type BatchAggregate, seriesKey, type VersionSighting } from '../core/aggregate.ts';
import { emptyBucket, hourlyRollups, type MinuteBucket, mergeBucket } from '../core/buckets.ts';
import { BatchIdConflictError } from '../core/errors.ts';
import type { GdsReportEvent } from '../core/events.ts';
import { type Version, versionKey } from '../core/version.ts';
import type { ApplyBatchResult, MetricsStore } from '../ports.ts';

/**
 * The metrics store held in memory: evaluates an events file without a database, and backs
 * replays. Same batch rules as the DynamoDB adapter: a bucket remembers its batches (memory has no
 * item size limit, so no cleanup is needed), and a batch id remembers its content hash.
 */
export class MemoryMetricsStore implements MetricsStore {
  private readonly buckets: StoredBuckets = new Map();
  private readonly rollups: StoredBuckets = new Map();
  private readonly reports = new Map<string, Map<string, GdsReportEvent>>();
  private readonly sightings = new Map<string, VersionSighting>();
  private readonly contentHashes = new Map<string, string>();

  async applyBatch(
    batchId: string,
    aggregate: BatchAggregate,
    contentHash: string = batchId,
  ): Promise<ApplyBatchResult> {
    const known = this.contentHashes.get(batchId);
    if (known !== undefined && known !== contentHash) throw new BatchIdConflictError(batchId);
    this.contentHashes.set(batchId, contentHash);
    let writes = 0;
    let alreadyApplied = 0;
    const rollups = { writes: 0, alreadyApplied: 0 };
    const writtenBuckets: ApplyBatchResult['writtenBuckets'] = [];
    for (const series of aggregate.series.values()) {
      for (const bucket of series.buckets.values()) {
        if (addOnce(this.buckets, series.series, bucket, batchId)) {
          writes += 1;
          writtenBuckets.push({ series: series.series, minute: bucket.minute });
        } else {
          alreadyApplied += 1;
        }
      }
      for (const rollup of hourlyRollups(series.buckets.values()).values()) {
        if (addOnce(this.rollups, series.series, rollup, batchId)) rollups.writes += 1;
        else rollups.alreadyApplied += 1;
      }
    }
    for (const report of aggregate.gdsReports) {
      const key = versionKey(report.version);
      const byId = this.reports.get(key) ?? new Map();
      this.reports.set(key, byId);
      if (!byId.has(report.id)) {
        byId.set(report.id, report);
        writes += 1;
      }
    }
    for (const [key, sighting] of aggregate.sightings) {
      const known = this.sightings.get(key);
      this.sightings.set(
        key,
        known
          ? {
              version: known.version,
              firstSeen: Math.min(known.firstSeen, sighting.firstSeen),
              lastSeen: Math.max(known.lastSeen, sighting.lastSeen),
            }
          : { ...sighting },
      );
    }
    return { writes, alreadyApplied, writtenBuckets, rollups };
  }

  async readBuckets(series: string, fromMinute: number, toMinute: number): Promise<MinuteBucket[]> {
    return readRange(this.buckets, series, fromMinute, toMinute);
  }

  async readHourRollups(series: string, fromHour: number, toHour: number): Promise<MinuteBucket[]> {
    return readRange(this.rollups, series, fromHour, toHour);
  }

  async readGdsReports(version: Version, fromTs: number, toTs: number): Promise<GdsReportEvent[]> {
    const byId = this.reports.get(versionKey(version));
    if (!byId) return [];
    return [...byId.values()]
      .filter((report) => report.ts > fromTs && report.ts <= toTs)
      .sort((a, b) => a.ts - b.ts);
  }

  async listVersionSightings(): Promise<VersionSighting[]> {
    return [...this.sightings.values()].sort((a, b) => b.lastSeen - a.lastSeen);
  }

  /** Convenience for callers that hold a version rather than a series key. */
  readLiveBuckets(version: Version, fromMinute: number, toMinute: number): Promise<MinuteBucket[]> {
    return this.readBuckets(seriesKey(version), fromMinute, toMinute);
  }
}

type StoredBuckets = Map<string, Map<number, { bucket: MinuteBucket; batches: Set<string> }>>;

/** Adds `bucket` unless this batch already did; true when it was added. */
function addOnce(stored: StoredBuckets, series: string, bucket: MinuteBucket, batchId: string): boolean {
  const byMinute = stored.get(series) ?? new Map();
  stored.set(series, byMinute);
  const entry = byMinute.get(bucket.minute) ?? {
    bucket: emptyBucket(bucket.minute),
    batches: new Set<string>(),
  };
  byMinute.set(bucket.minute, entry);
  if (entry.batches.has(batchId)) return false;
  mergeBucket(entry.bucket, bucket);
  entry.batches.add(batchId);
  return true;
}

function readRange(stored: StoredBuckets, series: string, from: number, to: number): MinuteBucket[] {
  const byMinute = stored.get(series);
  if (!byMinute) return [];
  return [...byMinute.values()]
    .map((entry) => entry.bucket)
    .filter((bucket) => bucket.minute >= from && bucket.minute <= to)
    .sort((a, b) => a.minute - b.minute);
}
