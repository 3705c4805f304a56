import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExtensions } from '../../functions/core/otp/extensions.ts';
import { normalizeText } from '../../functions/core/otp/normalize.ts';
import { evaluateWindow, evaluateWindowFully } from '../../functions/core/otp/rules.ts';
import { otpCorpusTexts } from '../support/otp-corpus.ts';

/**
 * The detector's fast path (evaluateWindow skips rules that cannot fire) must give exactly the
 * full rule sequence's answer: same rule, same span, same language, on any text. The texts are
 * random mixes of corpus fragments, ordinary and lexicon words, capitals and digit groups, so
 * they cross every shortcut's boundary (a code or none, four capitals or none, a trigger or none).
 */
const corpus = otpCorpusTexts();
const fragments = corpus
  .flatMap((text) => text.split(/(?<=[\s.,:;!?])/))
  .filter((part) => part.trim() !== '');
const WORDS = [
  'hello',
  'code',
  'codes',
  'pin',
  'enter',
  'use',
  'type',
  'sign in',
  'log in',
  'link',
  'magic link',
  'passcode',
  'meeting',
  'order',
  'promo',
  'verification',
  'security',
  'account',
  'expires in',
  'Bestätigungscode',
  'código',
  'kod',
  '認証',
  'コード',
  '验证码',
  '인증번호',
  'one-time',
  'click',
  'reset your password',
  'is',
  ':',
  '-',
  'KXQWPT',
  'SAVE20',
  'Anna',
  'ÉTÉ',
  '１２３４５６',
  '&amp;',
  '<b>',
];
const digits = fc.oneof(
  fc.stringMatching(/^\d{1,10}$/),
  fc.stringMatching(/^\d{3}[ -]\d{3}$/),
  fc.stringMatching(/^[A-Z0-9]{4,8}$/),
);
const piece = fc.oneof(fc.constantFrom(...fragments), fc.constantFrom(...WORDS), digits);
const text = fc.array(piece, { minLength: 1, maxLength: 10 }).map((parts) => parts.join(' '));

const same = (raw: string, extensions?: ReturnType<typeof compileExtensions>) => {
  const normalized = normalizeText(raw);
  const full = evaluateWindowFully(normalized, extensions);
  expect(evaluateWindow(normalized, extensions)).toEqual(full);
  // Without spans (isOtp) the same rule fires; only a standalone match's end may stop short.
  expect(evaluateWindow(normalized, extensions, false)?.rule).toBe(full?.rule);
};

describe('OTP fast path', () => {
  it('agrees with the full rule sequence on every corpus snippet', () => {
    for (const snippet of corpus) same(snippet);
  });

  it('agrees with the full rule sequence on random mixes of corpus fragments, words and digits', () => {
    fc.assert(
      fc.property(text, (raw) => same(raw)),
      { numRuns: 3000 },
    );
  });

  it('agrees with policy extensions too (phrases, patterns, negatives)', () => {
    const extensions = compileExtensions({
      extraPhrases: ['steam guard code', 'hello'],
      extraPatterns: ['\\bclave bizum\\b'],
      extraNegativePhrases: ['meeting'],
    });
    const phrasesOnly = compileExtensions({ extraPhrases: ['magic words'], extraNegativePhrases: ['order'] });
    // No negatives: the standalone rules stop at their first hit.
    const noNegatives = compileExtensions({
      extraPhrases: ['steam guard code'],
      extraPatterns: ['\\bclave bizum\\b'],
    });
    fc.assert(
      fc.property(text, (raw) => {
        same(raw, extensions);
        same(raw, phrasesOnly);
        same(raw, noNegatives);
      }),
      { numRuns: 1000 },
    );
  });
});
