import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldLookalikes } from '../../functions/core/otp/lookalikes.ts';
import { joinSpacedLetters, joinSpacedLettersFully } from '../../functions/core/otp/spaced-letters.ts';

describe('look-alike letters of another script', () => {
  it.each([
    ['c\u03BFde', 'code'],
    ['B\u0435st\u00E4tigungsc\u043Ed\u0435', 'Bestätigungscode'],
    ['к\u006Fд подтверждения', 'код подтверждения'],
    ['вх\u03BFд', 'вход'],
    ['Yandex Go: код 4719', 'Yandex Go: код 4719'],
    ['ελληνικά and English', 'ελληνικά and English'],
  ])('%j reads %j', (text, folded) => {
    expect(foldLookalikes(text)).toBe(folded);
  });

  it('keeps every position and leaves single-script text as it is', () => {
    const letter = fc.constantFrom(...'abcopxyzAEKMабвгдеопрсхεικνορχ0 -.');
    fc.assert(
      fc.property(fc.array(letter, { maxLength: 40 }), (letters) => {
        const text = letters.join('');
        expect(foldLookalikes(text).length).toBe(text.length);
        expect(foldLookalikes(foldLookalikes(text))).toBe(foldLookalikes(text));
      }),
      { numRuns: 2000 },
    );
    expect(foldLookalikes('Ваш код подтверждения')).toBe('Ваш код подтверждения');
  });
});

describe('words spelled out letter by letter', () => {
  it.each([
    ['C O D E   D E   V É R I F I C A T I O N :  8 0 3 3 1 5', 'CODE   DE   VÉRIFICATION :  8 0 3 3 1 5'],
    ['Y o u r   c o d e :   6 1 8 2 0 3', 'Your   code :   6 1 8 2 0 3'],
    ['К О Д   П О Д Т В Е Р Ж Д Е Н И Я', 'КОД   ПОДТВЕРЖДЕНИЯ'],
    // Three one-letter words in a row read as one word (the price of the rule); two stay apart
    // unless wider gaps set them off; digits are left to the code shapes.
    ['Plan a y o trip', 'Plan ayo trip'],
    ['I a m here, y no', 'Iam here, y no'],
    ['Vitamin C is good', 'Vitamin C is good'],
  ])('%j reads %j', (text, joined) => {
    expect(joinSpacedLetters(text)).toBe(joined);
  });
});

describe('the spaced-letter shortcut', () => {
  it('changes exactly what the regex changes', () => {
    const piece = fc.constantFrom(...'abCDéжΩ1_(:', ' ', ' ', '  ', '\t', '\u00A0', '\u2003', 'code', 'a b');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const text = pieces.join('');
        expect(joinSpacedLetters(text)).toBe(joinSpacedLettersFully(text));
      }),
      { numRuns: 20000 },
    );
  });
});
