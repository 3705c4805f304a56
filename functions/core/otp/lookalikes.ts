/**
 * Letters of one script that look like another's, inside a word that mixes the two: "cοde" with a
 * Greek omicron, "Bеstätigungscоdе" with Cyrillic e and o, "кoд" with a Latin o. Such a word is
 * written in Cyrillic when most of its letters are, else in Latin, letter for letter (every pair
 * is one code unit, so positions stay put). Words of one script are left alone: Russian stays
 * Russian.
 */

/**
 * Letters of two of the scripts side by side: only then does any word mix them. Code ranges, not
 * Unicode script classes, so the check costs little on every text (the fold has made the Latin
 * letters it cares about ASCII or Latin-1/Extended).
 */
const MIXED_PAIR =
  /[A-Za-z\u00C0-\u024F][\u0370-\u04FF]|[\u0400-\u04FF][A-Za-z\u00C0-\u024F\u0370-\u03FF]|[\u0370-\u03FF][A-Za-z\u00C0-\u024F\u0400-\u04FF]/;
const WORD = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]{1,64}/gu;
const CYRILLIC = /\p{Script=Cyrillic}/u;

const pairs = (from: string, to: string) =>
  new Map([...from].map((letter, index) => [letter, to[index] as string]));
/** Cyrillic and Greek letters that look like Latin ones, and the Latin ones that look like Cyrillic. */
const AS_LATIN = pairs(
  'аеорсухіјѕԁӏАВЕКМНОРСТХУІЈЅοαικνρυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ',
  'aeopcyxijsdlABEKMHOPCTXYIJSoaiknpuxABEZHIKMNOPTYX',
);
const AS_CYRILLIC = pairs('aeopcyxkABEKMHOPCTXYοαρχΟΑΡΧΕΚΜΗΤ', 'аеорсухкАВЕКМНОРСТХУоархОАРХЕКМНТ');

/** Any Greek or Cyrillic letter at all: most texts have none, and this scan is the cheapest. */
const GREEK_OR_CYRILLIC = /[\u0370-\u04FF]/;

export function foldLookalikes(text: string): string {
  if (!GREEK_OR_CYRILLIC.test(text) || !MIXED_PAIR.test(text)) return text;
  return text.replace(WORD, (word) => {
    if (!MIXED_PAIR.test(word)) return word;
    let cyrillic = 0;
    let other = 0;
    for (const letter of word) {
      if (CYRILLIC.test(letter)) cyrillic += 1;
      else other += 1;
    }
    const map = cyrillic > other ? AS_CYRILLIC : AS_LATIN;
    let folded = '';
    for (const letter of word) folded += map.get(letter) ?? letter;
    return folded;
  });
}
