import type { CheckOutcome, VerificationCheck } from '../incident/incident.ts';

/**
 * Six decimals: removes float noise (0.001 / 0.001 × 1.0000000000000002) so a value exactly at
 * a threshold compares as exactly at it. Checks compare the rounded value they report.
 */
export function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export function verificationCheck(fields: VerificationCheck): VerificationCheck {
  const { interval, ...rest } = fields;
  return {
    ...rest,
    value: fields.value === null ? null : round6(fields.value),
    // Only when present, so checks without one keep their exact shape.
    ...(interval === undefined ? {} : { interval: [round6(interval[0]), round6(interval[1])] }),
  };
}

/** Any fail → fail; else any inconclusive → inconclusive; else pass (an empty stage is inconclusive). */
export function stageOutcome(checks: readonly VerificationCheck[]): CheckOutcome {
  if (checks.some((check) => check.outcome === 'fail')) return 'fail';
  if (checks.length === 0 || checks.some((check) => check.outcome === 'inconclusive')) return 'inconclusive';
  return 'pass';
}

/** The reason every check gives when its minimum-sample guard is not met. */
export function notEnoughData(have: number, need: number, unit: string): string {
  return `not enough data: ${have} ${unit} since deploy, need ${need}`;
}

/**
 * `digits` decimals, adding more (up to 6) while the text would read the same as the threshold,
 * so a reason never says "0.95 < 0.95" for 0.9499.
 */
export function formatNear(value: number, threshold: number, digits = 2): string {
  let decimals = digits;
  while (decimals < 6 && value !== threshold && value.toFixed(decimals) === threshold.toFixed(decimals)) {
    decimals += 1;
  }
  return value.toFixed(decimals);
}
