import { aggregateEvents, emptyAggregate } from '../core/aggregate.ts';
import type { SentinelEvent } from '../core/events.ts';
import { contentBatchId, timestampWindow } from '../core/ingest.ts';
import { latencyCuts } from '../core/latency-cuts.ts';
import type { Policy } from '../core/policy.ts';
import type { MetricsStore } from '../ports.ts';
import { type EventsFileRead, formatProblem, readEventsFile } from './read-events-file.ts';

/** A file is applied in chunks this large: few bucket writes, bounded memory. */
export const FILE_CHUNK_EVENTS = 100_000;

export interface FileIngestResult {
  accepted: number;
  rejected: number;
  duplicates: number;
  batches: number;
  writes: number;
  alreadyApplied: number;
}

/**
 * Ingests an events file. Each chunk's batch id is the hash of its content, so ingesting the same
 * file again — or resuming after a crash — applies only what was not applied yet.
 */
export async function ingestFile(
  store: MetricsStore,
  path: string,
  policy: Policy,
  hooks: {
    /** The caller's clock (epoch ms): timestamps are bounded against it as at HTTP ingest. */
    now: number;
    onProblem?: (line: string) => void;
    onProgress?: (linesRead: number) => void;
    /** After the read: lines, rejections and unknown fields, for the CLI's warnings and --strict. */
    onRead?: (read: EventsFileRead) => void;
  },
): Promise<FileIngestResult> {
  const result: FileIngestResult = {
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    batches: 0,
    writes: 0,
    alreadyApplied: 0,
  };
  const seen = new Set<string>();
  let chunk: SentinelEvent[] = [];
  const flush = async () => {
    const events = chunk;
    chunk = [];
    if (events.length === 0) return;
    const applied = await store.applyBatch(
      contentBatchId(events),
      aggregateEvents(events, emptyAggregate(latencyCuts(policy))),
    );
    result.batches += 1;
    result.writes += applied.writes;
    result.alreadyApplied += applied.alreadyApplied;
  };
  const pending: Promise<void>[] = [];
  const read = await readEventsFile(
    path,
    (event) => {
      if (seen.has(event.id)) {
        result.duplicates += 1;
        return;
      }
      seen.add(event.id);
      result.accepted += 1;
      chunk.push(event);
      if (chunk.length >= FILE_CHUNK_EVENTS) pending.push(flush());
    },
    { onProgress: hooks.onProgress, window: timestampWindow(policy, hooks.now), otp: policy.otp },
  );
  await Promise.all(pending);
  await flush();
  result.rejected = read.problems.length;
  for (const problem of read.problems) hooks.onProblem?.(formatProblem(problem));
  hooks.onRead?.(read);
  return result;
}
