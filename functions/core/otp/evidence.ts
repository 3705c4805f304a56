/**
 * What a verdict may show of the snippet: the words that matched, never the code. Every
 * code-shaped token (digits, letters and digits, all capitals) is replaced by "•" character for
 * character, separators kept, and so is every remaining run of three or more digits.
 */
import { findCapitalTokens, findCodeTokens } from './code-shapes.ts';
import type { NormalizedText } from './normalize.ts';

const MAX_EVIDENCE = 96;
const DIGIT_RUN = /\p{N}{3,}/gu;
const CODE_CHAR = /[\p{L}\p{N}]/gu;

export function maskedEvidence(text: NormalizedText, start: number, end: number): string {
  const to = Math.min(end, start + MAX_EVIDENCE);
  const lower = text.lower.slice(start, to);
  const tokens = [...findCodeTokens(lower), ...findCapitalTokens(text.cased.slice(start, to), 0, to - start)];
  let masked = lower;
  for (const token of tokens) {
    masked =
      masked.slice(0, token.start) +
      masked.slice(token.start, token.end).replace(CODE_CHAR, '•') +
      masked.slice(token.end);
  }
  return masked.replace(DIGIT_RUN, (run) => '•'.repeat(run.length)).trim();
}
