import { isWhitespace } from './whitespace.ts';

/**
 * Words written letter by letter, "C O D E   D E   V É R I F I C A T I O N" or "Y o u r   c o d e",
 * joined back into words before the spaces are collapsed (which would lose where words end). A
 * run of three letters or more is such a word; a run of two only between wider gaps ("D E" above),
 * so that ordinary one-letter words ("a", "y", "o") stay apart.
 */
const LETTER = String.raw`[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]`;
const SPACED_WORD = new RegExp(
  String.raw`(?<![\p{L}\p{N}])${LETTER}(?: ${LETTER}){2,64}(?![\p{L}\p{N}])|(?<=^|\s\s)${LETTER} ${LETTER}(?=\s\s|$)`,
  'gu',
);
const SPACE = / /g;
export function joinSpacedLetters(text: string): string {
  return hasTwoSingles(text) ? joinSpacedLettersFully(text) : text;
}

/** joinSpacedLetters without the shortcut: the reference it is tested against. */
export function joinSpacedLettersFully(text: string): string {
  return text.replace(SPACED_WORD, (word) => word.replace(SPACE, ''));
}

/**
 * Whether two one-character words stand in a row ("x y"), as in every text SPACED_WORD matches:
 * found by hopping from space to space, which costs far less than the regex on the texts that have
 * none. It lets through every text the regex would change (test/unit/otp-lookalikes.test.ts).
 */
function hasTwoSingles(text: string): boolean {
  for (let space = text.indexOf(' '); space !== -1; space = text.indexOf(' ', space + 1)) {
    const before = space - 1;
    const after = space + 1;
    if (before < 0 || after >= text.length) continue;
    if (isWhitespace(text.charCodeAt(before)) || isWhitespace(text.charCodeAt(after))) continue;
    // Nothing of a word before the first ("(C O D E"), a gap after the second.
    const opens = before === 0 || !isAsciiLetterOrDigit(text.charCodeAt(before - 1));
    if (opens && (after + 1 === text.length || isWhitespace(text.charCodeAt(after + 1)))) return true;
  }
  return false;
}

const isAsciiLetterOrDigit = (code: number) =>
  (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
