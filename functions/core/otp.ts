/**
 * Decides whether an email snippet is a verification-code / one-time-password message: the
 * detector behind the P0 trigger `otp_in_critical` (ARCHITECTURE.md §4).
 *
 * The runbook's `LIKE '%OTP%'` also matches "footprint" or "potpourri"; this detector is a small
 * rule engine instead (otp/rules.ts): the text is normalized (otp/normalize.ts), named rules look
 * for a secret's noun, verb or link in thirteen languages with a code shape nearby, and negative
 * rules veto order numbers, promo and zip codes, meeting passcodes and the like. One-time sign-in
 * links count as OTP messages: they are authentication secrets just like a code.
 *
 * Long text is scanned in overlapping windows, so the cost is linear in the length and a code at
 * the end of a long email is still found; every pattern uses bounded quantifiers only.
 */

import { compileExtensions, type OtpExtensions } from './otp/extensions.ts';
import { evidenceOf, type OtpVerdict, scanWindows } from './otp/windows.ts';

export type { OtpExtensions } from './otp/extensions.ts';
export { otpPolicySchema } from './otp/extensions.ts';
export { LANGUAGES, type Language } from './otp/lexicon/index.ts';
export { BUILT_IN_RULES, type RuleId } from './otp/rules.ts';
export type { OtpVerdict } from './otp/windows.ts';

/** The verdict with the rule and language that matched and masked evidence (never the code). */
export function detectOtp(text: string, extensions?: OtpExtensions): OtpVerdict {
  const found = scanWindows(text, compileExtensions(extensions));
  if (found === undefined) return { otp: false };
  return evidenceOf(found);
}

/** Just the yes/no, for ingestion. */
export function isOtp(text: string, extensions?: OtpExtensions): boolean {
  return scanWindows(text, compileExtensions(extensions), false) !== undefined;
}
