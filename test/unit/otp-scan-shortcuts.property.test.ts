import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findCodeTokens, findCodeTokensFully } from '../../functions/core/otp/code-shapes.ts';
import {
  collapseWhitespace,
  isWhitespace,
  normalizeText,
  normalizeTextStepwise,
  stripTags,
  stripTagsFully,
} from '../../functions/core/otp/normalize.ts';
import { otpCorpusTexts } from '../support/otp-corpus.ts';

/**
 * Two scanning shortcuts must give exactly what the plain scan gives: code tokens searched from
 * just before the first number (not from the start), and whitespace collapsed without touching
 * lone spaces (not every run).
 */
const corpus = otpCorpusTexts();

const CHARACTERS = [
  ...'abcxyzKQ0123456789 -_./@#$%+,:*|·・✨',
  ...'€£¥²½٣٤١٢①Ⅻ〇٠',
  '𝟏',
  '𝟗',
  ...'éüıßαβжд認証コード码인증年月분',
  ...'🙂🔐',
];
const piece = fc.oneof(
  fc.constantFrom(...CHARACTERS),
  fc.stringMatching(/^\d{1,10}$/),
  fc.stringMatching(/^[a-z0-9]{3,6}-[a-z0-9]{3,6}$/),
  fc.constantFrom('code ', 'is ', '10min', '2nd', 'v1.2.3', 'a@b.c', '$100', '12.50', '2026-01-31 '),
);
const text = fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(''));

describe('OTP scanning shortcuts', () => {
  it('finds the same code tokens on every corpus snippet', () => {
    for (const snippet of corpus) {
      const { lower } = normalizeText(snippet);
      expect(findCodeTokens(lower)).toEqual(findCodeTokensFully(lower));
    }
  });

  it('finds the same code tokens on random text', () => {
    fc.assert(
      fc.property(text, (raw) => {
        expect(findCodeTokens(raw)).toEqual(findCodeTokensFully(raw));
        const { lower } = normalizeText(raw);
        expect(findCodeTokens(lower)).toEqual(findCodeTokensFully(lower));
      }),
      { numRuns: 5000 },
    );
  });

  it('decides runs of digits without the regex exactly as the regex does', () => {
    const around = fc.constantFrom(
      ...'0123456789',
      ...' -./,:_@%$#+*|·・✨aAzé€٣١①年일\n',
      '🙂',
      '⭐️',
      '𝟏',
      '\uD83D',
    );
    const runs = fc.array(fc.oneof(around, fc.stringMatching(/^\d{1,12}$/)), { maxLength: 12 });
    fc.assert(
      fc.property(runs, (parts) => {
        const raw = parts.join('');
        expect(findCodeTokens(raw)).toEqual(findCodeTokensFully(raw));
      }),
      { numRuns: 20000 },
    );
  });

  it('strips tags as the tag regex does', () => {
    const part = fc.oneof(
      fc.constantFrom('<', '>', '<b>', '</td>', 'a', ' ', '<<', '>>', '<a href="x">', '&lt;', '🙂'),
      fc.stringMatching(/^[a-z ]{0,12}$/),
      fc.integer({ min: 390, max: 410 }).map((length) => 'x'.repeat(length)),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 16 }), (parts) => {
        const raw = parts.join('');
        expect(stripTags(raw)).toBe(stripTagsFully(raw));
      }),
      { numRuns: 5000 },
    );
    for (const snippet of corpus) expect(stripTags(snippet)).toBe(stripTagsFully(snippet));
  });

  it('collapses whitespace as /\\s+/g does', () => {
    const whitespace = fc
      .array(
        fc.constantFrom(
          'a',
          'b',
          ' ',
          '  ',
          '\n',
          '\t',
          '\r\n',
          '\u00A0',
          '\u2003',
          '\u3000',
          '\uFEFF',
          'x y',
        ),
        {
          maxLength: 30,
        },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(whitespace, (raw) => {
        expect(collapseWhitespace(raw)).toBe(raw.replace(/\s+/g, ' '));
      }),
      { numRuns: 5000 },
    );
    for (const snippet of corpus) expect(collapseWhitespace(snippet)).toBe(snippet.replace(/\s+/g, ' '));
  });

  it('normalizes in one pass exactly as step by step', () => {
    const part = fc.oneof(
      fc.constantFrom(
        ...'aZ09 -<>&;.:',
        '<b>',
        '</td> ',
        '<a href="x">',
        '< 3',
        '&amp;',
        '&#x41;',
        'Q&A',
        '\n',
        '\t',
        '\r\n',
        '  ',
        '\u00A0',
        '\u2003',
        '\u3000',
        '\u2028',
        '\uFEFF',
        '\u200B',
        '\u00AD',
        '\u2013',
        '\u2019',
        'é',
        'Ü',
        'ł',
        'İ',
        'ﬁ',
        // Compatibility forms that fold to ASCII on their own, and one followed by a combining mark.
        '…',
        'n.º',
        'm²',
        '™',
        '\u202F:',
        '\u2009',
        'º\u0301',
        '１２３',
        'Ａ',
        '認証コード',
        'ｺｰﾄﾞ',
        '인증',
        'ΣΑΣ',
        '🙂',
        '𝟏',
        '\uD83D',
      ),
      fc.string({ maxLength: 3 }),
      fc.string({ unit: 'binary', maxLength: 2 }),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 24 }), (parts) => {
        const raw = parts.join('');
        expect(normalizeText(raw)).toEqual(normalizeTextStepwise(raw));
      }),
      { numRuns: 20000 },
    );
    for (const snippet of corpus) expect(normalizeText(snippet)).toEqual(normalizeTextStepwise(snippet));
  });

  it('reads whitespace as \\s does, for every BMP code unit', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const whitespace = /\s/.test(String.fromCharCode(code));
      if (isWhitespace(code) !== whitespace) expect([code, isWhitespace(code)]).toEqual([code, whitespace]);
    }
  });
});
