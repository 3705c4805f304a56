import { type BatchAggregate, seriesKey, type VersionSighting } from '../core/aggregate.ts';
import { emptyBucket, type MinuteBucket, mergeBucket } from '../core/buckets.ts';
import type { GdsReportEvent } from '../core/events.ts';
import { type Version, versionKey } from '../core/version.ts';
import type { ApplyBatchResult, MetricsStore } from '../ports.ts';

/**
 * The metrics store held in memory: evaluates an events file without a database, and backs
 * replays. Same batch-idempotency rule as the DynamoDB adapter: a bucket remembers its batches.
 */
export class MemoryMetricsStore implements MetricsStore {
  private readonly buckets = new Map<string, Map<number, { bucket: MinuteBucket; batches: Set<string> }>>();
  private readonly reports = new Map<string, Map<string, GdsReportEvent>>();
  private readonly sightings = new Map<string, VersionSighting>();

  async applyBatch(batchId: string, aggregate: BatchAggregate): Promise<ApplyBatchResult> {
    let writes = 0;
    let alreadyApplied = 0;
    const writtenBuckets: ApplyBatchResult['writtenBuckets'] = [];
    for (const series of aggregate.series.values()) {
      const byMinute = this.buckets.get(series.series) ?? new Map();
      this.buckets.set(series.series, byMinute);
      for (const bucket of series.buckets.values()) {
        const stored = byMinute.get(bucket.minute) ?? {
          bucket: emptyBucket(bucket.minute),
          batches: new Set(),
        };
        byMinute.set(bucket.minute, stored);
        if (stored.batches.has(batchId)) {
          alreadyApplied += 1;
          continue;
        }
        mergeBucket(stored.bucket, bucket);
        stored.batches.add(batchId);
        writes += 1;
        writtenBuckets.push({ series: series.series, minute: bucket.minute });
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
    return { writes, alreadyApplied, writtenBuckets };
  }

  async readBuckets(series: string, fromMinute: number, toMinute: number): Promise<MinuteBucket[]> {
    const byMinute = this.buckets.get(series);
    if (!byMinute) return [];
    return [...byMinute.values()]
      .map((stored) => stored.bucket)
      .filter((bucket) => bucket.minute >= fromMinute && bucket.minute <= toMinute)
      .sort((a, b) => a.minute - b.minute);
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
