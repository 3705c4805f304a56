import { parseDuration } from '../duration.ts';
import { plural } from './format.ts';
import { outcomeAbove } from './outcome.ts';
import { triggerResult } from './result.ts';
import { sumCounter } from './sums.ts';
import type { TriggerEvaluator } from './types.ts';
import { bucketsInWindow } from './window.ts';

/** P0: any verification code / OTP email classified as critical. No minimum — one is enough. */
export const evaluateOtpInCritical: TriggerEvaluator = ({ at, buckets, policy }) => {
  const { window, breachAbove } = policy.triggers.otp_in_critical;
  const inWindow = bucketsInWindow(buckets, at, parseDuration(window));
  const classified = sumCounter(inWindow, 'classified');
  const otpCritical = sumCounter(inWindow, 'otpCritical');
  const common = { threshold: breachAbove, warningThreshold: null, samples: classified, window };
  if (classified === 0) {
    return triggerResult('otp_in_critical', {
      ...common,
      outcome: 'inconclusive',
      value: null,
      reason: `not enough data: no classified emails in the last ${window}`,
    });
  }
  const outcome = outcomeAbove(otpCritical, breachAbove);
  const counted =
    otpCritical === 0
      ? 'no critical email was an OTP message'
      : `${plural(otpCritical, 'critical email')} ${otpCritical === 1 ? 'was an OTP message' : 'were OTP messages'}`;
  const allowance = breachAbove > 0 ? ` (allowed: ${breachAbove})` : '';
  return triggerResult('otp_in_critical', {
    ...common,
    outcome,
    value: otpCritical,
    reason: `${counted}${allowance} among ${plural(classified, 'classified email')} in ${window}`,
  });
};
