/**
 * The narrow interfaces the domain core needs. Adapters in `functions/adapters` implement them;
 * handlers and the local runtime wire adapters in. Core never imports an adapter.
 */
import type { BatchAggregate, VersionSighting } from './core/aggregate.ts';
import type { MinuteBucket } from './core/buckets.ts';
import type { GdsReportEvent, Importance } from './core/events.ts';
import type { Incident } from './core/incident/incident.ts';
import type { Baseline } from './core/prevention/gate.ts';
import type { Version } from './core/version.ts';
import type { StableVia, VersionRecord } from './core/versions/registry.ts';

export interface Clock {
  now(): Date;
}

export interface ApplyBatchResult {
  /** Bucket and report writes that changed the store. */
  writes: number;
  /** Bucket writes skipped because this batch id had already been applied to them. */
  alreadyApplied: number;
  /** The (series, minute) buckets whose counters this call added (a retry lists only the new ones). */
  writtenBuckets: { series: string; minute: number }[];
  /** Hourly rollup writes, counted apart: same exactly-once rule, one per touched (series, hour). */
  rollups: { writes: number; alreadyApplied: number };
}

/** Per-minute metrics per version, GDS reports and version sightings. */
export interface MetricsStore {
  /**
   * Applies a batch exactly once per bucket: a retry with the same `batchId` re-applies only
   * the buckets the earlier attempt did not reach. `contentHash` (default: the batch id, which is
   * then itself a content hash) is remembered with the batch: the same id with another hash
   * throws `BatchIdConflictError` and changes nothing.
   */
  applyBatch(batchId: string, aggregate: BatchAggregate, contentHash?: string): Promise<ApplyBatchResult>;
  /** Buckets of a series with `fromMinute <= minute <= toMinute`, oldest first. */
  readBuckets(series: string, fromMinute: number, toMinute: number): Promise<MinuteBucket[]>;
  /**
   * Hourly rollups of a series with `fromHour <= hour <= toHour`, oldest first: each is the sum of
   * the hour's minute buckets, shaped as a bucket whose `minute` is the hour's start. A 24 h
   * evaluation reads ~24 of these instead of 1,440 minutes.
   */
  readHourRollups(series: string, fromHour: number, toHour: number): Promise<MinuteBucket[]>;
  /** GDS reports of a version with `fromTs < ts <= toTs`, oldest first. */
  readGdsReports(version: Version, fromTs: number, toTs: number): Promise<GdsReportEvent[]>;
  /** Versions seen in live traffic, newest `lastSeen` first. */
  listVersionSightings(): Promise<VersionSighting[]>;
}

/** One CloudWatch-style datum: a value (or a histogram of values) at a minute. */
export interface MetricDatum {
  name: string;
  timestamp: Date;
  unit: 'Count' | 'Milliseconds';
  /** Dimension name → value; the alarm metrics carry none. */
  dimensions?: Record<string, string>;
  value: number;
}

/** What ingest raises when a batch holds a zero-tolerance breach (OTP in critical): the dispatcher judges at once. */
export interface BreachSignal {
  raise(signal: { batchId: string; otpInCritical: number }): Promise<void>;
}

/** Publishes custom metrics (CloudWatch in the cloud; a recorder or nothing locally). */
export interface MetricsPublisher {
  publish(data: readonly MetricDatum[]): Promise<void>;
}

/** The version registry (ARCHITECTURE.md §5); sightings come from the metrics store's ingest writes. */
export interface VersionRegistry {
  /** Every known version with its status, sightings folded in; newest `lastSeen` first. */
  list(): Promise<VersionRecord[]>;
  get(version: Version): Promise<VersionRecord | undefined>;
  /**
   * Records a version as stable. A version Sentinel rolled back is not made stable by a tag
   * (returns false); passed long-term verification (`force`) makes it stable again.
   */
  markStable(version: Version, via: StableVia, at: Date, commit?: string, force?: boolean): Promise<boolean>;
  /** A completed rollback took this version out of traffic. */
  markRolledBack(version: Version, incidentId: string, at: Date): Promise<void>;
  /**
   * Claims one page for a re-appearance of a rolled-back version (a conditional write): true
   * for exactly one caller when its live traffic (`lastSeen`) resumed more than `gapMs` after
   * the last paged sighting; otherwise false (the re-appearance was paged already). The version
   * becomes `quarantined`.
   */
  claimReappearance(version: Version, lastSeen: number, gapMs: number, at: Date): Promise<boolean>;
  /** A passing `sentinel gate` records the candidate's baseline (replacing an earlier one). */
  recordBaseline(version: Version, baseline: Baseline, at: Date): Promise<void>;
  /** The version's recorded baseline, if a gate passed it. */
  baseline(version: Version): Promise<Baseline | undefined>;
}

/** Incident records and the per-(service, version) lock that keeps one incident open at a time. */
export interface SaveGuard {
  /** The nonce of the approval request that must still be parked, and not yet answered. */
  pendingApproval: string;
}

export interface IncidentStore {
  /**
   * Creates the incident unless one is already open for its service and version (a conditional
   * write is the lock). Returns the open incident either way.
   */
  openIncident(incident: Incident): Promise<{ created: boolean; incident: Incident }>;
  get(id: string): Promise<Incident | undefined>;
  /**
   * Replaces the record; `expectedUpdatedAt` guards against lost updates. With `guard`, the same
   * conditional write also requires the stored approval request to be `guard.pendingApproval`
   * (its nonce) and unanswered: how an answer is recorded at most once, whoever races it.
   */
  save(incident: Incident, expectedUpdatedAt?: string, guard?: SaveGuard): Promise<void>;
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

// ---------------------------------------------------------------------------------------------
// Source repository (the application's Git repository, ARCHITECTURE.md §5).

/** A file change of one commit: new bytes, or `null` to delete the file. */
export interface FileChange {
  path: string;
  content: Uint8Array | null;
}

export interface CommitRef {
  sha: string;
  /** Where people can look at the commit (GitHub page, or a file: URL for a local repository). */
  url: string;
}

/** A commit found by its trailer, with its full message (a re-driven C re-opens its pull request from it). */
export interface FoundCommit extends CommitRef {
  message: string;
}

export interface StableTag {
  /** Tag name without `refs/tags/`, e.g. `v1.2.0-stable`. */
  name: string;
  /** The commit the tag points to (annotated tags peeled). */
  sha: string;
  /** Committer date of that commit, ISO 8601; tags are listed newest first by it. */
  committedAt: string;
}

export interface CommitFilesRequest {
  branch: string;
  /**
   * The head the changes were planned on. The branch is moved only if it is still there
   * (compare-and-swap; never forced); otherwise `BranchMovedError`.
   */
  expectedHead?: string;
  message: string;
  changes: readonly FileChange[];
}

export interface PullRequestRequest {
  head: string;
  base: string;
  title: string;
  body: string;
}

export interface PullRequestRef {
  number: number;
  url: string;
}

/** `none`: the commit has no checks or statuses at all (which is not success). */
export type CommitChecksState = 'success' | 'pending' | 'failure' | 'none';

/** One check run of a commit (GitHub's latest run per name). */
export interface CheckRun {
  name: string;
  /** `queued`, `in_progress`, `completed`… */
  status: string;
  /** Set once completed: `success`, `failure`, `neutral`, `skipped`, `cancelled`, `timed_out`… */
  conclusion: string | null;
}

/** The application's repository: GitHub (Octokit) or a local clone (git CLI). */
export interface SourceRepository {
  /** Names the repository in errors and records: `owner/repo` or a directory. */
  readonly description: string;
  defaultBranch(): Promise<string>;
  /** Commit sha of a branch, tag or sha; `null` when there is no such ref. */
  resolveRef(ref: string): Promise<string | null>;
  /** The file's bytes at a ref; `null` when the file does not exist there. */
  readFile(ref: string, path: string): Promise<Uint8Array | null>;
  /** Tags named `*-stable`, newest commit first. */
  listStableTags(): Promise<StableTag[]>;
  /** Paths added, modified or deleted between two refs. */
  changedPaths(fromRef: string, toRef: string): Promise<string[]>;
  /** The newest of the last `depth` commits of `branch` carrying trailer `key: value`, if any. */
  findCommitWithTrailer(
    branch: string,
    key: string,
    value: string,
    depth: number,
  ): Promise<FoundCommit | null>;
  /** One commit on top of the branch head, then a compare-and-swap of the branch ref. */
  commitFiles(request: CommitFilesRequest): Promise<CommitRef>;
  /** Creates `refs/heads/<name>` at `fromSha` unless it already exists (never moves it). */
  createBranch(name: string, fromSha: string): Promise<'created' | 'exists'>;
  /** Opens (or returns the already open) pull request; `null` where there are none (local). */
  openPullRequest(request: PullRequestRequest): Promise<PullRequestRef | null>;
  commitChecks(sha: string): Promise<CommitChecksState>;
  /** The commit's check runs (latest per name); none where there are no checks (a local clone). */
  checkRuns(sha: string): Promise<CheckRun[]>;
}

// ---------------------------------------------------------------------------------------------
// Procedure A's smoke check (policy validation.smoke).

export interface SmokeEmail {
  id: string;
  snippet: string;
  expected: Importance;
}

export interface SmokeClassification {
  id: string;
  importance: string;
}

/** Classifies sample emails with the restored prompt: an HTTPS endpoint, or a workstation command. */
export interface SmokeClassifier {
  /** Names it in errors: the URL's origin, or the command. */
  readonly description: string;
  classify(emails: readonly SmokeEmail[]): Promise<SmokeClassification[]>;
}

// ---------------------------------------------------------------------------------------------
// People's steering (ARCHITECTURE.md §6): the kill switch and the warning dedupe log.

/** The kill switch: while paused, no workflow writes to the application repository. */
export interface ControlState {
  paused: boolean;
  /** Who flipped the switch last, when, and why. */
  by?: string;
  at?: string;
  reason?: string;
}

export interface ControlStore {
  get(): Promise<ControlState>;
  set(state: ControlState): Promise<void>;
}

/** Remembers which deduplicated notifications went out. */
export interface NotificationLog {
  /**
   * Claims `key` (a conditional write): true the first time, false while an earlier claim holds.
   * `expiresAt` (epoch ms) is when the claim may be forgotten.
   */
  claim(key: string, expiresAt: number): Promise<boolean>;
  /** Gives a claim back (the notification it guarded could not be sent). */
  release(key: string): Promise<void>;
}
