import { createHash } from 'node:crypto';
import type { ApplyBatchResult, MetricsStore } from '../ports.ts';
import { aggregateEvents, type BatchAggregate, emptyAggregate } from './aggregate.ts';
import { PayloadTooLargeError, ValidationError } from './errors.ts';
import { type EventRejection, parseEvent, type SentinelEvent, type TimestampWindow } from './events.ts';
import { latencyCuts } from './latency-cuts.ts';
import { type Policy, windowMs } from './policy.ts';

/**
 * Caller-chosen batch ids are kept short and free of `#`, which the store uses to mark the parts
 * of an oversized bucket update (`<batchId>#<part>`), so a caller's id can never alias a part marker.
 */
const BATCH_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const CONTENT_HASH_PREFIX = 'sha256:';

export interface PreparedBatch {
  batchId: string;
  /** Hash of the accepted, normalised events: a re-used batchId must carry the same. */
  contentHash: string;
  aggregate: BatchAggregate;
  /** Valid events counted by this batch (each id once). */
  accepted: number;
  rejected: EventRejection[];
  /** Valid events whose id already appeared earlier in the same batch. */
  duplicates: number;
}

export interface IngestResult extends ApplyBatchResult {
  batchId: string;
  /** What the batch contributed; with `writtenBuckets`, what ingest publishes as custom metrics. */
  aggregate: BatchAggregate;
  accepted: number;
  rejected: EventRejection[];
  duplicates: number;
}

export interface BatchOptions {
  /** The caller's clock (epoch ms): timestamps are judged against it, core reads no clock. */
  now: number;
  batchId?: string | undefined;
}

/**
 * The timestamps ingest accepts at `now`: up to `ingest.maxClockSkew` ahead (clients' clocks
 * drift a little; a year-9999 event would otherwise become the newest version for ever), and no
 * older than `store.bucketTtl` (its bucket would expire at once, or count with an expired past).
 */
export function timestampWindow(policy: Policy, now: number): TimestampWindow {
  const skew = policy.ingest.maxClockSkew;
  const ttl = policy.store.bucketTtl;
  const notAfter = now + windowMs(skew);
  const notBefore = now - windowMs(ttl);
  return {
    notAfter,
    notBefore,
    describeNotAfter: `${new Date(notAfter).toISOString()} (now + ingest.maxClockSkew ${skew})`,
    describeNotBefore: `${new Date(notBefore).toISOString()} (now − store.bucketTtl ${ttl})`,
  };
}

/**
 * Validates and folds one batch. Bad events are reported and skipped; the rest still count.
 * Without a `batchId` the id is a hash of the accepted content, so re-sending the same events
 * (in any order, with any timestamp spelling) is recognised as the same batch.
 */
export function prepareBatch(
  rawEvents: readonly unknown[],
  policy: Policy,
  { now, batchId }: BatchOptions,
): PreparedBatch {
  const limit = policy.ingest.maxEventsPerBatch;
  if (rawEvents.length > limit) {
    throw new PayloadTooLargeError(`a batch holds at most ${limit} events (got ${rawEvents.length})`);
  }
  if (batchId !== undefined && !BATCH_ID.test(batchId)) {
    throw new ValidationError('batchId must be 1–128 characters of letters, digits, ".", "_", ":" or "-"');
  }
  const rejected: EventRejection[] = [];
  const unique: SentinelEvent[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  const window = timestampWindow(policy, now);
  rawEvents.forEach((raw, index) => {
    const parsed = parseEvent(raw, index, { window, otp: policy.otp });
    if (!parsed.ok) {
      rejected.push(parsed.rejection);
      return;
    }
    if (seen.has(parsed.event.id)) {
      duplicates += 1;
      return;
    }
    seen.add(parsed.event.id);
    unique.push(parsed.event);
  });
  const aggregate = aggregateEvents(unique, emptyAggregate(latencyCuts(policy)));
  aggregate.duplicates = duplicates;
  const contentHash = contentBatchId(unique);
  return {
    batchId: batchId ?? contentHash,
    contentHash,
    aggregate,
    accepted: unique.length,
    rejected,
    duplicates,
  };
}

/** The use case behind the HTTP handler and the CLI: prepare, then apply exactly once per bucket. */
export async function ingestBatch(
  store: MetricsStore,
  rawEvents: readonly unknown[],
  policy: Policy,
  options: BatchOptions,
): Promise<IngestResult> {
  const prepared = prepareBatch(rawEvents, policy, options);
  const applied = await store.applyBatch(prepared.batchId, prepared.aggregate, prepared.contentHash);
  return {
    batchId: prepared.batchId,
    accepted: prepared.accepted,
    rejected: prepared.rejected,
    duplicates: prepared.duplicates,
    ...applied,
    aggregate: prepared.aggregate,
  };
}

/** sha256 over the normalised events (snippets already gone), sorted by id; ids are unique here. */
export function contentBatchId(events: readonly SentinelEvent[]): string {
  const sorted = [...events].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const hash = createHash('sha256');
  for (const event of sorted) {
    hash.update(canonicalJson(event));
    hash.update('\n');
  }
  return `${CONTENT_HASH_PREFIX}${hash.digest('hex').slice(0, 40)}`;
}

/**
 * JSON with object keys sorted at every level, so equal content always hashes equal. The event is
 * rebuilt with its keys in sorted order and serialised by one native JSON.stringify call.
 */
function canonicalJson(value: unknown): string {
  return JSON.stringify(withSortedKeys(value)) ?? 'null';
}

function withSortedKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(withSortedKeys);
  const record = value as Record<string, unknown>;
  const sorted: Record<string, unknown> = {};
  for (const key of sortedKeys(record)) sorted[key] = withSortedKeys(record[key]);
  return sorted;
}

/**
 * Normalised events come in a handful of shapes, so the sorted key order is memoised per shape:
 * without it, sorting keys cost as much as serialising.
 */
const sortedKeysByShape = new Map<string, readonly string[]>();
const MAX_SHAPES = 1024;

function sortedKeys(record: Record<string, unknown>): readonly string[] {
  const keys = Object.keys(record);
  const shape = keys.join('\u0000');
  let sorted = sortedKeysByShape.get(shape);
  if (sorted === undefined) {
    sorted = [...keys].sort();
    if (sortedKeysByShape.size < MAX_SHAPES) sortedKeysByShape.set(shape, sorted);
  }
  return sorted;
}
