import { latencyCount, type MinuteBucket } from '../buckets.ts';
import { parseDuration } from '../duration.ts';
import { quantile } from '../histogram.ts';
import type { Policy } from '../policy.ts';
import { plural } from './format.ts';
import { type Judged, outcomeAbove } from './outcome.ts';
import { triggerResult } from './result.ts';
import { sumLatencySamples } from './sums.ts';
import type { TriggerEvaluator, TriggerResult } from './types.ts';
import { bucketsInWindow } from './window.ts';

interface MinuteP95 {
  minute: number;
  p95Ms: number;
}

/**
 * Manual: how many consecutive minutes, counting back from the newest minute with enough
 * samples, had a p95 latency above the threshold. Minutes with too few samples (or none) are
 * skipped — a quiet minute says nothing about latency, so it neither extends nor breaks a streak.
 */
export const evaluateLatencyP95: TriggerEvaluator = ({ at, buckets, latencyMinutes, policy }) => {
  const { window, thresholdMs, minSamplesPerMinute } = policy.triggers.latency_p95;
  const windowMs = parseDuration(window);
  const inWindow = bucketsInWindow(buckets, at, windowMs);
  const minuteSource = latencyMinutes ? bucketsInWindow(latencyMinutes, at, windowMs) : inWindow;
  const minutes = judgeableMinutes(minuteSource, minSamplesPerMinute);
  return latencyP95Result(policy, {
    samples: sumLatencySamples(inWindow),
    newestP95Ms: minutes[0]?.p95Ms,
    streak: slowStreak(minutes, thresholdMs),
  });
};

/** What the latency trigger reads from its window; the backtest computes it incrementally. */
export interface LatencyStats {
  /** Latency samples in the window. */
  samples: number;
  /** p95 of the newest minute with enough samples; undefined when no minute has enough. */
  newestP95Ms: number | undefined;
  /** Consecutive slow minutes counting back from that newest minute. */
  streak: number;
}

export function latencyP95Result(
  policy: Policy,
  { samples, newestP95Ms, streak }: LatencyStats,
): TriggerResult {
  const { window, thresholdMs, warningAboveMinutes, breachAboveMinutes, minSamplesPerMinute } =
    policy.triggers.latency_p95;
  const common = { threshold: breachAboveMinutes, warningThreshold: warningAboveMinutes, samples, window };
  if (newestP95Ms === undefined) {
    return triggerResult('latency_p95', {
      ...common,
      outcome: 'inconclusive',
      value: null,
      reason:
        `not enough data: no minute in ${window} with ${minSamplesPerMinute} or more latency samples ` +
        `(${plural(samples, 'sample')})`,
    });
  }
  const outcome = outcomeAbove(streak, breachAboveMinutes, warningAboveMinutes);
  const limit: Record<Judged, string> = {
    breach: `> ${breachAboveMinutes}`,
    warning: `> ${warningAboveMinutes}`,
    ok: `≤ ${warningAboveMinutes}`,
  };
  return triggerResult('latency_p95', {
    ...common,
    outcome,
    value: streak,
    reason:
      `p95 above ${thresholdMs} ms for ${plural(streak, 'consecutive minute')} ${limit[outcome]} ` +
      `(newest minute p95 ${Math.round(newestP95Ms)} ms; ${plural(samples, 'sample')} in ${window})`,
  });
}

/** Per-minute p95 of the minutes with enough samples, newest first (input is newest first). */
function judgeableMinutes(newestFirst: readonly MinuteBucket[], minSamples: number): MinuteP95[] {
  const minutes: MinuteP95[] = [];
  for (const bucket of newestFirst) {
    if (latencyCount(bucket) === 0 || latencyCount(bucket) < minSamples) continue;
    const p95Ms = quantile(bucket.latency, 0.95);
    if (p95Ms !== undefined) minutes.push({ minute: bucket.minute, p95Ms });
  }
  return minutes;
}

function slowStreak(newestFirst: readonly MinuteP95[], thresholdMs: number): number {
  let streak = 0;
  for (const minute of newestFirst) {
    if (minute.p95Ms <= thresholdMs) break;
    streak += 1;
  }
  return streak;
}

/**
 * True once these minutes (newest first) hold a minute with enough samples and a p95 at or below
 * the threshold: older minutes cannot change the streak, so a reader may stop there.
 */
export function streakEnded(newestFirst: readonly MinuteBucket[], policy: Policy): boolean {
  const { thresholdMs, minSamplesPerMinute } = policy.triggers.latency_p95;
  return judgeableMinutes(newestFirst, minSamplesPerMinute).some((minute) => minute.p95Ms <= thresholdMs);
}
