import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  foldForMatching,
  foldForMatchingFully,
  foldText,
  foldTextFully,
  normalizeText,
} from '../../functions/core/otp/normalize.ts';
import { otpCorpusTexts } from '../support/otp-corpus.ts';

/**
 * foldText skips NFKC (and folds accents letter by letter) when every character is in its
 * NFKC-stable class; that must give exactly the full fold's answer. The class is checked against
 * the running engine's Unicode data, and the two folds are compared on random text.
 */
const source = readFileSync(new URL('../../functions/core/otp/normalize.ts', import.meta.url), 'utf8');
const classSource = /\/\^\[(\\u0000-[^\]]*)\]\*\$\/u;/.exec(source)?.[1];
const stable = new RegExp(`^[${classSource}]$`, 'u');
const MARK = /\p{M}/u;

/** Every code point that follows the first in some canonical decomposition: the only possible second halves of a composition. */
function compositionSeconds(): Set<number> {
  const seconds = new Set<number>();
  for (let code = 0; code <= 0x10ffff; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const decomposed = [...String.fromCodePoint(code).normalize('NFD')];
    for (let index = 1; index < decomposed.length; index++)
      seconds.add(decomposed[index]?.codePointAt(0) ?? 0);
  }
  return seconds;
}

function stableCharacters(): string[] {
  const found: string[] = [];
  for (let code = 0; code <= 0x10ffff; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const character = String.fromCodePoint(code);
    if (stable.test(character)) found.push(character);
  }
  return found;
}

const corpus = otpCorpusTexts();

describe('OTP normalization shortcut', () => {
  it('reads the stable class from the source', () => {
    expect(classSource).toBeDefined();
    expect(stable.test('a')).toBe(true);
    expect(stable.test('\uFF11')).toBe(false);
  });

  it('holds only characters NFKC leaves alone, next to anything of the class', () => {
    const seconds = compositionSeconds();
    const characters = stableCharacters();
    expect(characters.length).toBeGreaterThan(20000);
    for (const character of characters) {
      const code = character.codePointAt(0) ?? 0;
      const first = character.normalize('NFD').codePointAt(0) ?? 0;
      const folded = foldTextFully(character).codePointAt(0) ?? 0;
      const problem =
        character.normalize('NFKC') !== character ||
        MARK.test(character) ||
        seconds.has(code) ||
        seconds.has(first) ||
        MARK.test(String.fromCodePoint(first)) ||
        seconds.has(folded);
      if (problem) throw new Error(`U+${code.toString(16)} is not NFKC-stable in context`);
    }
  });

  it('folds every character of the class alone as the full fold does', () => {
    for (const character of stableCharacters()) expect(foldText(character)).toBe(foldTextFully(character));
  });

  it('folds every corpus snippet as the full fold does', () => {
    for (const snippet of corpus) expect(foldText(snippet)).toBe(foldTextFully(snippet));
  });

  it('folds random text as the full fold does', () => {
    const characters = [
      ...'aeiouAEIOUzZ09 -_.:\n\t',
      ...'éèêëÉçÇñÑüÜöÖäÄßıİşŞğĞłŁąęćńśźżőűøæœ',
      ...'\u0301\u0308\u0327\u030C\u3099\u309A\u1161\u11A8\uFE0F\u200D\u00A0\u00AD\u2011\u2026\u2122\u3000',
      ...'かがきぎパハヒ゛ーカガ가각나ᄀ한글認証码验证码ｺｰﾄﾞ１２３ＡＢ：，（）',
      ...'🙂🔐✅❤',
    ];
    const text = fc.array(fc.constantFrom(...characters), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (raw) => {
        expect(foldText(raw)).toBe(foldTextFully(raw));
        expect(normalizeText(raw).lower.length).toBe(normalizeText(raw).cased.length);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('OTP normalization of full-width forms', () => {
  it('maps each full-width ASCII character and the ideographic space to its NFKC form', () => {
    for (const code of [
      0x3000,
      ...Array.from({ length: 0xff5e - 0xff01 + 1 }, (_, index) => 0xff01 + index),
    ]) {
      const character = String.fromCharCode(code);
      expect(character.normalize('NFKD')).toHaveLength(1);
      expect(foldText(character)).toBe(foldTextFully(character));
      expect(foldText(`é${character}\u0301ü${character}`)).toBe(
        foldTextFully(`é${character}\u0301ü${character}`),
      );
    }
  });
});

describe('OTP normalization shortcut for text with nothing to fold', () => {
  it('folds every stable character, alone and between others, as the full fold does', () => {
    for (const character of stableCharacters()) {
      expect(foldForMatching(character)).toBe(foldForMatchingFully(character));
      expect(foldForMatching(`🙂${character}認`)).toBe(foldForMatchingFully(`🙂${character}認`));
    }
  });

  it('folds corpus snippets and random text as the full fold does', () => {
    for (const snippet of corpus) expect(foldForMatching(snippet)).toBe(foldForMatchingFully(snippet));
    const characters = [
      ...'aZ09 -.:\n',
      ...'éıłßø\u0301\u00A0\u00AD\u200B\u2060\uFEFF\u2010\u2011\u2013\u2212\uFE58\uFF0D',
      ...'\u2018\u2019\u201B\u2032\u02BC\u3000１Ａ\u1E9E認証码가ｺ',
      ...'🙂🔐✅',
    ];
    const text = fc.array(fc.constantFrom(...characters), { maxLength: 30 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (raw) => {
        expect(foldForMatching(raw)).toBe(foldForMatchingFully(raw));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('OTP one-pass fold', () => {
  it('folds every BMP character, alone and among stable, foldable and astral ones, as the full fold does', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const character = String.fromCharCode(code);
      for (const text of [character, `é${character}\u2013ü`, `🙂${character}１\u00AD${character}`]) {
        if (foldForMatching(text) !== foldForMatchingFully(text)) {
          expect(foldForMatching(text)).toBe(foldForMatchingFully(text));
        }
      }
    }
    for (const text of ['\u{1F300}\u{1FAFF}', '\u{1F2FF}é', '\u{1FB00}é', '\uD83Dé', 'é\uDE42', '𝟏é']) {
      expect(foldForMatching(text)).toBe(foldForMatchingFully(text));
    }
  });
});

describe('OTP normalization of HTML entities', () => {
  it('decodes the named entities templates escape accents and spaces with, in either case', () => {
    for (const [escaped, plain] of [
      ['c&oacute;digo de verificaci&oacute;n', 'codigo de verificacion'],
      ['verifica&ccedil;&atilde;o &Eacute;T&Eacute;', 'verificacao ete'],
      ['Best&auml;tigung&nbsp;&ndash;&thinsp;Code', 'bestatigung - code'],
      ['ver&shy;ification 63&shy;9201', 'verification 639201'],
      ['&laquo;&euro;&raquo; &frac12; &unknown; &amp;', '«€» 1⁄2 &unknown; &'],
    ]) {
      expect(normalizeText(escaped as string).lower).toBe(plain);
    }
  });
});
