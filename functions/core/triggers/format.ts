/**
 * Formats a value for a reason with `digits` decimals, adding decimals (up to 6) while the
 * rounded text would read the same as the threshold it is compared with — so a reason never
 * says "0.90 < 0.90" for a precision of 0.899.
 */
export function formatNear(value: number, threshold: number, digits = 2): string {
  let decimals = digits;
  while (decimals < 6 && value !== threshold && value.toFixed(decimals) === threshold.toFixed(decimals)) {
    decimals += 1;
  }
  return value.toFixed(decimals);
}

/** "1 email", "3 emails". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** A threshold as written in the policy, with at least `digits` decimals: 0.9 → "0.90", 0.955 → "0.955". */
export function formatThreshold(threshold: number, digits = 2): string {
  const fixed = threshold.toFixed(digits);
  return Number(fixed) === threshold ? fixed : String(threshold);
}
