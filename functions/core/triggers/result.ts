import { TRIGGER_KINDS, type TriggerId, type TriggerResult } from './types.ts';

/** Everything of a result except `kind`, which always follows from the trigger id. */
export type ResultFields = Omit<TriggerResult, 'id' | 'kind'>;

export function triggerResult(id: TriggerId, fields: ResultFields): TriggerResult {
  return {
    id,
    kind: TRIGGER_KINDS[id],
    outcome: fields.outcome,
    value: fields.value === null ? null : roundValue(fields.value),
    threshold: fields.threshold,
    warningThreshold: fields.warningThreshold,
    samples: fields.samples,
    window: fields.window,
    reason: fields.reason,
    // Last and only when present, so results without an interval keep their exact JSON.
    ...(fields.interval === undefined ? {} : { interval: roundInterval(fields.interval) }),
  };
}

function roundInterval([lo, hi]: [number, number]): [number, number] {
  return [roundValue(lo), roundValue(hi)];
}

/**
 * Six decimals: removes float noise such as 0.25 − 0.15 = 0.09999999999999998, so a value that
 * is exactly at a threshold compares as exactly at it. Evaluators compare the rounded value.
 */
export function roundValue(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** The reason every trigger gives when its minimum-sample guard is not met. */
export function notEnoughData(have: number, need: number, unit: string): string {
  return `not enough data: ${have} ${unit}, need ${need}`;
}
