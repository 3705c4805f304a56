/**
 * The narrow interfaces the domain core needs. Adapters in `functions/adapters` implement them;
 * handlers and the local runtime wire adapters in. Core never imports an adapter.
 */
import type { BatchAggregate, VersionSighting } from './core/aggregate.ts';
import type { MinuteBucket } from './core/buckets.ts';
import type { GdsReportEvent } from './core/events.ts';
import type { Version } from './core/version.ts';

export interface Clock {
  now(): Date;
}

export interface ApplyBatchResult {
  /** Bucket and report writes that changed the store. */
  writes: number;
  /** Bucket writes skipped because this batch id had already been applied to them. */
  alreadyApplied: number;
}

/** Per-minute metrics per version, GDS reports and version sightings. */
export interface MetricsStore {
  /**
   * Applies a batch exactly once per bucket: a retry with the same `batchId` re-applies only
   * the buckets the earlier attempt did not reach.
   */
  applyBatch(batchId: string, aggregate: BatchAggregate): Promise<ApplyBatchResult>;
  /** Buckets of a series with `fromMinute <= minute <= toMinute`, oldest first. */
  readBuckets(series: string, fromMinute: number, toMinute: number): Promise<MinuteBucket[]>;
  /** GDS reports of a version with `fromTs < ts <= toTs`, oldest first. */
  readGdsReports(version: Version, fromTs: number, toTs: number): Promise<GdsReportEvent[]>;
  /** Versions seen in live traffic, newest `lastSeen` first. */
  listVersionSightings(): Promise<VersionSighting[]>;
}
