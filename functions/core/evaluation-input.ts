import type { MetricsStore } from '../ports.ts';
import { seriesKey, type VersionSighting } from './aggregate.ts';
import { HOUR_MS, hourOf, MINUTE_MS, type MinuteBucket, minuteOf } from './buckets.ts';
import { parseDuration } from './duration.ts';
import type { Policy } from './policy.ts';
import { burnWindowsMs } from './triggers/latency-burn.ts';
import { streakEnded } from './triggers/latency-p95.ts';
import type { CumulativeCounts, EvaluationInput } from './triggers/types.ts';
import { sameVersion, type Version } from './version.ts';

/**
 * The bucket windows of the bucket-based triggers — data_freshness counts the classifications of
 * its silence span too — so that every window start falls on a minute the read plan keeps exact.
 */
function bucketWindowsMs(policy: Policy): number[] {
  const { otp_in_critical, fp_budget, latency_p95, cost_spike, distribution_drift, data_freshness } =
    policy.triggers;
  return [
    ...[otp_in_critical, fp_budget, latency_p95, cost_spike, distribution_drift].map((trigger) =>
      parseDuration(trigger.window),
    ),
    parseDuration(data_freshness.maxSilence),
    ...(latency_p95.mode === 'burn_rate' ? burnWindowsMs(policy) : []),
  ];
}

/** The longest bucket window any trigger reads, so one read serves all of them. */
export function longestBucketWindowMs(policy: Policy): number {
  return Math.max(...bucketWindowsMs(policy));
}

export function longestReportAgeMs(policy: Policy): number {
  const { critical_precision, critical_recall } = policy.triggers;
  return Math.max(
    parseDuration(critical_precision.maxReportAge),
    parseDuration(critical_recall.maxReportAge),
  );
}

type Span = { kind: 'hours' | 'minutes'; from: number; to: number };

/**
 * How to read `[firstMinute, lastMinute]`: an hour is read as its rollup when its 60 minutes lie
 * inside that range and on one side of every window start (a minute m is in a window when
 * m > at − window), so every trigger sums exactly the minutes it would have summed; the other
 * hours are read minute by minute. Adjacent spans of one kind are merged into one query.
 */
export function planReads(
  at: number,
  windowsMs: readonly number[],
  firstMinute: number,
  lastMinute: number,
): Span[] {
  const starts = windowsMs.map((windowMs) => at - windowMs);
  const wholeHour = (hour: number) =>
    hour >= firstMinute &&
    hour + HOUR_MS - MINUTE_MS <= lastMinute &&
    starts.every((start) => hour > start || hour + HOUR_MS - MINUTE_MS <= start);
  const spans: Span[] = [];
  for (let hour = hourOf(firstMinute); hour <= lastMinute; hour += HOUR_MS) {
    const span: Span = wholeHour(hour)
      ? { kind: 'hours', from: hour, to: hour }
      : {
          kind: 'minutes',
          from: Math.max(hour, firstMinute),
          to: Math.min(hour + HOUR_MS - MINUTE_MS, lastMinute),
        };
    const previous = spans[spans.length - 1];
    if (previous?.kind === span.kind) previous.to = span.to;
    else spans.push(span);
  }
  return spans;
}

/**
 * Reads what one version's evaluation at `at` needs: whole hours as rollups, the edges as
 * minutes, the latency streak's minutes only as far back as the streak goes, and the reports.
 * A 24 h evaluation reads about 24 rollups and 120 minutes instead of 1,440 minutes; the
 * triggers' results are the same as over every minute (test/integration/rollup-evaluation).
 */
export async function loadEvaluationInput(
  store: MetricsStore,
  policy: Policy,
  at: number,
  version: Version,
  /** The store's sightings, when the caller has already listed them. */
  knownSightings?: readonly VersionSighting[],
): Promise<EvaluationInput> {
  const series = seriesKey(version);
  const windows = bucketWindowsMs(policy);
  const firstMinute = minuteOf(at - Math.max(...windows)) + MINUTE_MS;
  const lastMinute = minuteOf(at);
  const spans = planReads(at, windows, firstMinute, lastMinute);
  const [parts, gdsReports, sightings] = await Promise.all([
    Promise.all(
      spans.map((span) =>
        span.kind === 'hours'
          ? store.readHourRollups(series, span.from, span.to)
          : store.readBuckets(series, span.from, span.to),
      ),
    ),
    // Back past maxReportAge: data_freshness warns about a newest report that has grown too old.
    store.readGdsReports(version, at - reportLookbackMs(policy), at),
    knownSightings ?? store.listVersionSightings(),
  ]);
  const buckets = parts.flat();
  const minutesRead = spans.flatMap((span, index) => (span.kind === 'minutes' ? (parts[index] ?? []) : []));
  // The streak needs minute buckets; burn rates are window sums, which the rollups serve.
  const latencyMinutes =
    policy.triggers.latency_p95.mode === 'burn_rate'
      ? undefined
      : await readLatencyMinutes(store, series, policy, at, spans, minutesRead);
  const live = liveness(sightings, version, at);
  const lastSeen = live.lastSeen ?? (await newestLiveMinute(store, series, spans, parts, at));
  const sinceFirstSeen =
    policy.statistics.mode === 'sequential'
      ? await readSinceFirstSeen(store, series, policy, at, version, sightings, firstMinute, buckets)
      : undefined;
  return {
    at,
    version,
    buckets,
    ...(latencyMinutes === undefined ? {} : { latencyMinutes }),
    gdsReports,
    policy,
    ...live,
    ...(lastSeen === undefined ? {} : { lastSeen }),
    ...(sinceFirstSeen === undefined ? {} : { sinceFirstSeen }),
  };
}

/**
 * fp_budget's sums since the version's first live traffic (or the store's retention, if later),
 * for the sequential SPRT: what was read already, plus the time before the read, as whole-hour
 * rollups and minute edges (about 24 rollups per day of the version's life; sequential mode only).
 * Without a sighting, undefined: the trigger then sums what was read.
 */
async function readSinceFirstSeen(
  store: MetricsStore,
  series: string,
  policy: Policy,
  at: number,
  version: Version,
  sightings: readonly VersionSighting[],
  firstMinute: number,
  buckets: readonly MinuteBucket[],
): Promise<CumulativeCounts | undefined> {
  const own = sightings.find((sighting) => sameVersion(sighting.version, version));
  if (!own || own.firstSeen > at) return undefined;
  const from = minuteOf(Math.max(own.firstSeen, at - parseDuration(policy.store.bucketTtl)));
  const earlier =
    from < firstMinute
      ? await Promise.all(
          planReads(at, [], from, firstMinute - MINUTE_MS).map((span) =>
            span.kind === 'hours'
              ? store.readHourRollups(series, span.from, span.to)
              : store.readBuckets(series, span.from, span.to),
          ),
        )
      : [];
  let classified = 0;
  let criticalFp = 0;
  // The read buckets lie in [firstMinute, at]; before firstSeen there is no live traffic to count.
  for (const bucket of [...buckets, ...earlier.flat()]) {
    classified += bucket.classified;
    criticalFp += bucket.criticalFp;
  }
  return { from, classified, criticalFp };
}

/**
 * Without a sighting at or before `at` (judging a past instant), the newest minute with live
 * traffic among what was read, to the minute: a rollup only knows its hour, so the newest hour
 * with traffic is read again minute by minute (at most 60 small items, and only in this case).
 */
async function newestLiveMinute(
  store: MetricsStore,
  series: string,
  spans: readonly Span[],
  parts: readonly MinuteBucket[][],
  at: number,
): Promise<number | undefined> {
  let newest: { minute: number; hour: boolean } | undefined;
  spans.forEach((span, index) => {
    for (const bucket of parts[index] ?? []) {
      if (bucket.classified > 0 && (newest === undefined || bucket.minute > newest.minute))
        newest = { minute: bucket.minute, hour: span.kind === 'hours' };
    }
  });
  const found = newest as { minute: number; hour: boolean } | undefined;
  if (!found?.hour) return found?.minute;
  const minutes = await store.readBuckets(
    series,
    found.minute,
    Math.min(found.minute + HOUR_MS - MINUTE_MS, minuteOf(at)),
  );
  return minutes.reduce<number | undefined>(
    (latest, bucket) =>
      bucket.classified > 0 && (latest === undefined || bucket.minute > latest) ? bucket.minute : latest,
    undefined,
  );
}

/** How far back reports are read: the GDS triggers' age, or the data's retention if longer. */
function reportLookbackMs(policy: Policy): number {
  return Math.max(longestReportAgeMs(policy), parseDuration(policy.store.bucketTtl));
}

/**
 * `lastSeen` and `deployed` from the sightings, for data_freshness. Exact when the sighting ends
 * at or before `at` (always so for the scheduled evaluator, which judges at its clock). Judging an
 * earlier instant, the version's lastSeen lies after it: the trigger then takes the newest bucket
 * with traffic, and another version counts as newer only if it was seen live after this one's
 * newest known traffic and had already started by `at`.
 */
function liveness(
  sightings: readonly VersionSighting[],
  version: Version,
  at: number,
): Pick<EvaluationInput, 'lastSeen' | 'deployed'> {
  const own = sightings.find((sighting) => sameVersion(sighting.version, version));
  if (!own || own.firstSeen > at) return { deployed: false };
  const lastSeen = Math.min(own.lastSeen, at);
  const deployed = !sightings.some(
    (other) => !sameVersion(other.version, version) && other.firstSeen <= at && other.lastSeen > lastSeen,
  );
  return own.lastSeen <= at ? { lastSeen, deployed } : { deployed };
}

/**
 * Minute buckets for the latency streak, newest first: the minutes already read, plus the
 * minutes under rollups, in growing steps going back, until the streak has ended — including the
 * whole rolling window of the minute that ends it.
 */
async function readLatencyMinutes(
  store: MetricsStore,
  series: string,
  policy: Policy,
  at: number,
  spans: readonly Span[],
  minutesRead: readonly MinuteBucket[],
): Promise<MinuteBucket[]> {
  const windowStart = at - parseDuration(policy.triggers.latency_p95.window);
  const newestFirst = (buckets: readonly MinuteBucket[]) =>
    buckets.filter((bucket) => bucket.minute > windowStart).sort((a, b) => b.minute - a.minute);
  const collected: MinuteBucket[] = [];
  for (const span of [...spans].reverse()) {
    if (span.to <= windowStart) break;
    if (span.kind === 'minutes') {
      collected.push(
        ...newestFirst(
          minutesRead.filter((bucket) => bucket.minute >= span.from && bucket.minute <= span.to),
        ),
      );
      if (streakEnded(collected, span.from, policy)) return collected;
      continue;
    }
    // Back an hour, then two, four…: a short streak costs one small read, a day-long one a few.
    let hours = 1;
    for (let end = span.to + HOUR_MS - MINUTE_MS; end >= span.from && end > windowStart; hours *= 2) {
      const start = Math.max(span.from, end - hours * HOUR_MS + MINUTE_MS);
      collected.push(...newestFirst(await store.readBuckets(series, start, end)));
      if (streakEnded(collected, start, policy)) return collected;
      end = start - MINUTE_MS;
    }
  }
  return collected;
}

/** The version of the newest live classification: what evaluation judges when none is named. */
export async function newestLiveVersion(store: MetricsStore): Promise<Version | undefined> {
  const [newest] = await store.listVersionSightings();
  return newest?.version;
}
