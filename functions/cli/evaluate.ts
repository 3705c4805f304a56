import { MemoryMetricsStore } from '../adapters/memory-metrics-store.ts';
import { aggregateEvents, emptyAggregate } from '../core/aggregate.ts';
import { formatDuration } from '../core/duration.ts';
import { ValidationError } from '../core/errors.ts';
import { loadEvaluationInput, longestBucketWindowMs, newestLiveVersion } from '../core/evaluation-input.ts';
import type { SentinelEvent } from '../core/events.ts';
import { timestampWindow } from '../core/ingest.ts';
import { latencyCuts } from '../core/latency-cuts.ts';
import type { Policy } from '../core/policy.ts';
import { evaluateVersion } from '../core/triggers/evaluate.ts';
import type { Evaluation } from '../core/triggers/types.ts';
import type { Version } from '../core/version.ts';
import type { MetricsStore } from '../ports.ts';
import { type EventsFileRead, formatProblem, readEventsFile } from './read-events-file.ts';

export interface VersionOptions {
  model?: string;
  modelVersion?: string;
  prompt?: string;
}

/**
 * The version to judge: the named one, with any field left out taken from the newest live
 * version; without options, the newest live version itself.
 */
export async function resolveVersion(
  store: MetricsStore,
  options: VersionOptions,
  fallback?: Version,
): Promise<Version> {
  const newest = (await newestLiveVersion(store)) ?? fallback;
  const model = options.model ?? newest?.model;
  const modelVersion = options.modelVersion ?? newest?.modelVersion;
  const prompt = options.prompt ?? newest?.prompt;
  if (model === undefined || modelVersion === undefined || prompt === undefined) {
    const missing = [
      model === undefined && '--model',
      modelVersion === undefined && '--model-version',
      prompt === undefined && '--prompt',
    ].filter(Boolean);
    throw new ValidationError(`no events to take the version from; name it with ${missing.join(', ')}`);
  }
  return { model, modelVersion, prompt };
}

export function parseAt(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const at = Date.parse(text);
  if (!Number.isFinite(at) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    throw new ValidationError(`--at: "${text}" is not an ISO 8601 timestamp such as 2026-11-27T12:00:00Z`);
  }
  return at;
}

/**
 * Set when the newest event lies further back than the longest trigger window before `at`: every
 * window is then empty and the triggers say "inconclusive" about data that simply is not there
 * (a stale export, a wrong --at). An extension of the JSON contract, present only when stale.
 */
export interface StaleData {
  /** The newest event at or before `at`, ISO 8601. */
  newestEvent: string;
  /** The longest trigger window, as written in the policy's units. */
  longestWindow: string;
  /** Minutes from the newest event to `at`. */
  ageMinutes: number;
}

export type CliEvaluation = Evaluation & { staleData?: StaleData };

/** The StaleData of an evaluation at `at` whose newest event is `newestTs` (undefined: none). */
export function staleDataAt(policy: Policy, at: number, newestTs: number | undefined): StaleData | undefined {
  const longest = longestBucketWindowMs(policy);
  if (newestTs === undefined || at - newestTs <= longest) return undefined;
  return {
    newestEvent: new Date(newestTs).toISOString(),
    longestWindow: formatDuration(longest),
    ageMinutes: Math.floor((at - newestTs) / 60_000),
  };
}

/** The stderr line for stale data. */
export function staleDataWarning(stale: StaleData, at: string): string {
  return (
    `warning: stale data: the newest event (${stale.newestEvent}) is older than the longest trigger ` +
    `window (${stale.longestWindow}) before ${at}; every window is empty, so the triggers cannot judge`
  );
}

export interface FileEvaluationOptions extends VersionOptions {
  at?: string;
  /** The caller's clock (epoch ms); without `at`, event timestamps are judged against it. */
  now: number;
  onProblem?: (line: string) => void;
  onProgress?: (linesRead: number) => void;
  /** After the read: lines, rejections and unknown fields, for the CLI's warnings and --strict. */
  onRead?: (read: EventsFileRead) => void;
}

/**
 * Evaluates straight from an events file: the events are folded into an in-memory store with
 * the same aggregation the ingestion uses, so file and store evaluations agree. Events after
 * `at` are left out; without `--at` the newest event's time is used. Timestamps are bounded as at
 * ingest, relative to `at` when given (a file is judged as if it arrived then), else to `now`.
 */
export async function evaluateEventsFile(
  path: string,
  policy: Policy,
  options: FileEvaluationOptions,
): Promise<CliEvaluation> {
  const requestedAt = options.at === undefined ? undefined : parseAt(options.at, 0);
  const events: SentinelEvent[] = [];
  let newestTs = 0;
  // A file of GDS reports or corrections alone still names a version: its newest event's.
  let newestAny: SentinelEvent | undefined;
  const read = await readEventsFile(
    path,
    (event) => {
      if (requestedAt !== undefined && event.ts > requestedAt) return;
      newestTs = Math.max(newestTs, event.ts);
      if (!newestAny || event.ts > newestAny.ts) newestAny = event;
      events.push(event);
    },
    {
      onProgress: options.onProgress,
      window: timestampWindow(policy, requestedAt ?? options.now),
      otp: policy.otp,
    },
  );
  for (const problem of read.problems) options.onProblem?.(formatProblem(problem));
  options.onRead?.(read);
  const at = requestedAt ?? newestTs;
  const store = new MemoryMetricsStore();
  await store.applyBatch('file', aggregateEvents(events, emptyAggregate(latencyCuts(policy))));
  const version = await resolveVersion(store, options, newestAny?.version);
  const evaluation = evaluateVersion(await loadEvaluationInput(store, policy, at, version));
  const staleData = staleDataAt(policy, at, newestAny?.ts);
  return staleData ? { ...evaluation, staleData } : evaluation;
}

/** Evaluates one version at `at` from a metrics store (the local store or DynamoDB). */
export async function evaluateFromStore(
  store: MetricsStore,
  policy: Policy,
  at: number,
  options: VersionOptions,
): Promise<CliEvaluation> {
  const version = await resolveVersion(store, options);
  const sightings = await store.listVersionSightings();
  const evaluation = evaluateVersion(await loadEvaluationInput(store, policy, at, version, sightings));
  // The store knows the newest live classification of each version (reports and corrections aside).
  const seen = sightings.filter((sighting) => sighting.firstSeen <= at).map((s) => Math.min(s.lastSeen, at));
  const staleData = staleDataAt(policy, at, seen.length > 0 ? Math.max(...seen) : undefined);
  return staleData ? { ...evaluation, staleData } : evaluation;
}
