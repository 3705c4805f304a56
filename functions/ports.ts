/**
 * The narrow interfaces the domain core needs. Adapters in `functions/adapters` implement them;
 * handlers and the local runtime wire adapters in. Core never imports an adapter.
 */
import type { BatchAggregate, VersionSighting } from './core/aggregate.ts';
import type { MinuteBucket } from './core/buckets.ts';
import type { GdsReportEvent } from './core/events.ts';
import type { Incident } from './core/incident/incident.ts';
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

/** Incident records and the per-(service, version) lock that keeps one incident open at a time. */
export interface IncidentStore {
  /**
   * Creates the incident unless one is already open for its service and version (a conditional
   * write is the lock). Returns the open incident either way.
   */
  openIncident(incident: Incident): Promise<{ created: boolean; incident: Incident }>;
  get(id: string): Promise<Incident | undefined>;
  /** Replaces the record; `expectedUpdatedAt` guards against lost updates. */
  save(incident: Incident, expectedUpdatedAt?: string): Promise<void>;
  list(limit?: number): Promise<Incident[]>;
  /** Releases the lock of a closed incident so the version may be judged again. */
  releaseLock(incident: Incident): Promise<void>;
}

export type Topic = 'alerts' | 'pages';

export interface Notification {
  topic: Topic;
  /** At most 100 characters. */
  subject: string;
  body: string;
  attributes: { severity: 'P0' | 'P1' | 'P2' | 'info'; incidentId?: string; triggerIds?: string };
}

export interface Notifier {
  publish(notification: Notification): Promise<void>;
}

/** Starts the rollback workflow; the name makes a second start of the same incident a no-op. */
export interface WorkflowStarter {
  start(executionName: string, input: unknown): Promise<{ executionId: string; alreadyStarted: boolean }>;
}
