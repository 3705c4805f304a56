/**
 * Decides whether an email snippet is a verification code / one-time password message.
 *
 * The runbook's `LIKE '%OTP%'` also matches "footprint" or "potpourri"; this detector matches
 * whole words and the usual phrasings instead, case-insensitively, and ignores codes that are
 * not secrets (promo, zip, source, dress codes…).
 */

// Not "password": "your login password was changed" is a security notice, not a code. The
// one-time password has its own phrase below.
const CODE_NOUN = String.raw`(?:code|pin|pass\s?code)`;
const SECRET_QUALIFIER = String.raw`(?:verification|verify|security|login|log[\s-]?in|sign[\s-]?in|one[\s-]?time|single[\s-]?use|authentication|auth|authori[sz]ation|2fa|two[\s-]?factor|2[\s-]?step|two[\s-]?step|mfa|otp)`;

/** Phrases that are OTP messages by themselves. */
const OTP_PHRASES: readonly RegExp[] = [
  new RegExp(String.raw`\b${SECRET_QUALIFIER}\s+${CODE_NOUN}s?\b`, 'i'),
  /\bone[\s-]?time\s+pass(?:word|code)?s?\b/i,
  /\botps?\b/i,
  /\btotp\b/i,
];

/** A bare "passcode" is an OTP, except the meeting passcode printed in every video-call invite. */
const PASSCODE = /\bpass\s?codes?\b/i;
const MEETING_INVITE = /\b(?:meeting\s+(?:id|passcode|password)|(?:zoom|teams|webex)\s+meeting)\b/i;

/** A code's digits: 4–8 in a row, or split in two groups of three as in "123-456". */
const DIGITS = String.raw`(?:\d{4,8}|\d{3}-\d{3})\b`;

/**
 * "code is 123456", "code: 4821", "WhatsApp code 123-456", "123456 is your code", "enter code
 * 123456"; group 1 is the code's kind.
 */
const CODE_WITH_DIGITS: readonly RegExp[] = [
  new RegExp(String.raw`(?:\b([a-z]+)\s+)?\bcode\s*(?:is|:|-)\s*:?\s*${DIGITS}`, 'i'),
  // A split "123-456" is shaped like an OTP even without "is" or a colon before it.
  /(?:\b([a-z]+)\s+)?\bcode\s+\d{3}-\d{3}\b/i,
  new RegExp(String.raw`\b${DIGITS}\s+is\s+your\s+(?:([a-z]+)\s+)?code\b`, 'i'),
  new RegExp(String.raw`\benter\s+(?:the\s+|this\s+)?code\s*:?\s*${DIGITS}`, 'i'),
];

/** Codes that are not secrets even when a number follows them. */
const HARMLESS_CODE_KINDS = new Set([
  'promo',
  'promotional',
  'coupon',
  'discount',
  'gift',
  'card',
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
  if (PASSCODE.test(snippet) && !MEETING_INVITE.test(snippet)) return true;
  return CODE_WITH_DIGITS.some((pattern) => {
    const match = pattern.exec(snippet);
    if (!match) return false;
    const kind = match[1]?.toLowerCase();
    return kind === undefined || !HARMLESS_CODE_KINDS.has(kind);
  });
}
