import { latencyCount, MINUTE_MS, type MinuteBucket, samplesOver } from '../buckets.ts';
import { parseDuration } from '../duration.ts';
import { triggerCut } from '../latency-cuts.ts';
import type { Policy } from '../policy.ts';
import { plural } from './format.ts';
import { evaluateLatencyBurnRate } from './latency-burn.ts';
import { type Judged, outcomeAbove } from './outcome.ts';
import { triggerResult } from './result.ts';
import { sumLatencySamples } from './sums.ts';
import type { TriggerEvaluator, TriggerResult } from './types.ts';
import { bucketsInWindow } from './window.ts';

/** A minute judged on the rolling window ending at it. */
export interface JudgedMinute {
  minute: number;
  /** Latency samples in the rolling window. */
  samples: number;
  /** Of those, samples strictly above the threshold (exact ingest counts). */
  over: number;
  slow: boolean;
}

/**
 * Nearest-rank p95 > T ⟺ fewer than ⌈0.95 n⌉ samples are ≤ T ⟺ more than 5 % are above T.
 * In integers (over · 20 > n), so a window at exactly 5 % is not slow and no float decides it.
 */
export function isSlow(over: number, samples: number): boolean {
  return over * 20 > samples;
}

/**
 * Manual: how many consecutive minutes, counting back from the newest judged minute, were slow.
 * Each minute with traffic of its own is judged on the rolling window ending at it (default the
 * last 10 minutes), which at 3.5 emails a minute holds ~35 samples where a single minute holds
 * 3 or 4. Minutes without enough traffic of their own, or whose window is too thin, are skipped —
 * they neither extend nor break a streak. Samples count only inside the trigger window.
 */
export const evaluateLatencyP95: TriggerEvaluator = (input) => {
  const { at, buckets, latencyMinutes, policy } = input;
  if (policy.triggers.latency_p95.mode === 'burn_rate') return evaluateLatencyBurnRate(input);
  const windowMs = parseDuration(policy.triggers.latency_p95.window);
  const inWindow = bucketsInWindow(buckets, at, windowMs);
  const minuteSource = latencyMinutes ? bucketsInWindow(latencyMinutes, at, windowMs) : inWindow;
  const judged = judgeMinutes(minuteSource, policy);
  return latencyP95Result(policy, {
    samples: sumLatencySamples(inWindow),
    newest: judged[0],
    streak: slowStreak(judged),
  });
};

/** What the latency trigger reads from its window; the backtest computes it incrementally. */
export interface LatencyStats {
  /** Latency samples in the trigger window. */
  samples: number;
  /** The newest judged minute; undefined when no minute could be judged. */
  newest: Pick<JudgedMinute, 'samples' | 'over'> | undefined;
  /** Consecutive slow minutes counting back from that newest minute. */
  streak: number;
}

export function latencyP95Result(policy: Policy, { samples, newest, streak }: LatencyStats): TriggerResult {
  const { window, thresholdMs, warningAboveMinutes, breachAboveMinutes, rollingWindow, minSamplesPerWindow } =
    policy.triggers.latency_p95;
  const common = { threshold: breachAboveMinutes, warningThreshold: warningAboveMinutes, samples, window };
  if (newest === undefined) {
    return triggerResult('latency_p95', {
      ...common,
      outcome: 'inconclusive',
      value: null,
      reason:
        `not enough data: no minute in ${window} whose ${rollingWindow} window holds ${minSamplesPerWindow} ` +
        `or more latency samples (${plural(samples, 'sample')})`,
    });
  }
  const outcome = outcomeAbove(streak, breachAboveMinutes, warningAboveMinutes);
  const limit: Record<Judged, string> = {
    breach: `> ${breachAboveMinutes}`,
    warning: `> ${warningAboveMinutes}`,
    ok: `≤ ${warningAboveMinutes}`,
  };
  const share = ((newest.over * 100) / newest.samples).toFixed(1);
  return triggerResult('latency_p95', {
    ...common,
    outcome,
    value: streak,
    reason:
      `p95 above ${thresholdMs} ms for ${plural(streak, 'consecutive minute')} ${limit[outcome]} ` +
      `(each minute judged on the ${rollingWindow} ending at it, slow when more than 5 % of its samples ` +
      `are above ${thresholdMs} ms; newest: ${newest.over} of ${newest.samples} = ${share} %; ` +
      `${plural(samples, 'sample')} in ${window})`,
  });
}

/**
 * The judged minutes, newest first, from minute buckets (any order): a minute with at least
 * `minSamplesPerMinute` samples of its own whose rolling window `(m − rollingWindow, m]` over
 * these buckets holds at least `minSamplesPerWindow`.
 */
export function judgeMinutes(minuteBuckets: readonly MinuteBucket[], policy: Policy): JudgedMinute[] {
  const { rollingWindow, minSamplesPerWindow, minSamplesPerMinute } = policy.triggers.latency_p95;
  const rollingMs = parseDuration(rollingWindow);
  const cut = triggerCut(policy);
  const ascending = [...minuteBuckets].sort((a, b) => a.minute - b.minute);
  const judged: JudgedMinute[] = [];
  let samples = 0;
  let over = 0;
  let oldest = 0;
  for (const bucket of ascending) {
    const own = latencyCount(bucket);
    samples += own;
    over += samplesOver(bucket, cut);
    while ((ascending[oldest] as MinuteBucket).minute <= bucket.minute - rollingMs) {
      const leaving = ascending[oldest] as MinuteBucket;
      samples -= latencyCount(leaving);
      over -= samplesOver(leaving, cut);
      oldest += 1;
    }
    if (own > 0 && own >= minSamplesPerMinute && samples >= minSamplesPerWindow) {
      judged.push({ minute: bucket.minute, samples, over, slow: isSlow(over, samples) });
    }
  }
  return judged.reverse();
}

function slowStreak(newestFirst: readonly JudgedMinute[]): number {
  let streak = 0;
  for (const minute of newestFirst) {
    if (!minute.slow) break;
    streak += 1;
  }
  return streak;
}

/**
 * True once these minute buckets (newest first), read completely back to `coveredFrom`, hold a
 * judged minute that is not slow and whose whole rolling window lies in what was read: older
 * minutes cannot change the streak, so a reader may stop there.
 */
export function streakEnded(
  newestFirst: readonly MinuteBucket[],
  coveredFrom: number,
  policy: Policy,
): boolean {
  const rollingMs = parseDuration(policy.triggers.latency_p95.rollingWindow);
  return judgeMinutes(newestFirst, policy).some(
    (minute) => !minute.slow && minute.minute - rollingMs + MINUTE_MS >= coveredFrom,
  );
}
