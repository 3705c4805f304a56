/**
 * Decides whether an email snippet is a verification code / one-time password message.
 *
 * The runbook's `LIKE '%OTP%'` also matches "footprint" or "potpourri"; this detector matches
 * whole words and the usual phrasings instead, case-insensitively, and ignores codes that are
 * not secrets (promo, zip, source, dress codes…).
 */

const CODE_NOUN = String.raw`(?:code|pin|passcode|pass\s?code|password)`;
const SECRET_QUALIFIER = String.raw`(?:verification|verify|security|login|log[\s-]?in|sign[\s-]?in|one[\s-]?time|single[\s-]?use|authentication|auth|authori[sz]ation|2fa|two[\s-]?factor|2[\s-]?step|two[\s-]?step|mfa|otp)`;

/** Phrases that are OTP messages by themselves. */
const OTP_PHRASES: readonly RegExp[] = [
  new RegExp(String.raw`\b${SECRET_QUALIFIER}\s+${CODE_NOUN}s?\b`, 'i'),
  /\bone[\s-]?time\s+pass(?:word|code)?s?\b/i,
  /\botps?\b/i,
  /\bpass\s?codes?\b/i,
  /\btotp\b/i,
];

/** "code is 123456", "code: 4821", "123456 is your code", "enter code 123456"; group 1 is the code's kind. */
const CODE_WITH_DIGITS: readonly RegExp[] = [
  /(?:\b([a-z]+)\s+)?\bcode\s*(?:is|:|-)\s*:?\s*\d{4,8}\b/i,
  /\b\d{4,8}\s+is\s+your\s+(?:([a-z]+)\s+)?code\b/i,
  /\benter\s+(?:the\s+|this\s+)?code\s*:?\s*\d{4,8}\b/i,
];

/** Codes that are not secrets even when a number follows them. */
const HARMLESS_CODE_KINDS = new Set([
  'promo',
  'promotional',
  'coupon',
  'discount',
  'gift',
  'voucher',
  'referral',
  'invite',
  'invitation',
  'zip',
  'postal',
  'post',
  'area',
  'country',
  'dress',
  'source',
  'error',
  'status',
  'tracking',
  'reference',
  'order',
  'booking',
  'product',
  'item',
  'sku',
  'tax',
  'billing',
  'cost',
  'qr',
  'bar',
  'colour',
  'color',
  'course',
  'class',
  'room',
  'door',
  'gate',
]);

export function detectOtp(snippet: string): boolean {
  if (OTP_PHRASES.some((pattern) => pattern.test(snippet))) return true;
  return CODE_WITH_DIGITS.some((pattern) => {
    const match = pattern.exec(snippet);
    if (!match) return false;
    const kind = match[1]?.toLowerCase();
    return kind === undefined || !HARMLESS_CODE_KINDS.has(kind);
  });
}
