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
  if (!hasTwoSingles(text)) return text;
  return text.replace(SPACED_WORD, (word) => word.replace(SPACE, ''));
}

/**
 * Whether two one-character words stand in a row ("x y"), as in every spaced word: found by
 * hopping from space to space, which costs far less than the regex on the texts that have none.
 */
function hasTwoSingles(text: string): boolean {
  for (let space = text.indexOf(' '); space !== -1; space = text.indexOf(' ', space + 1)) {
    // "x y": one character before this space (at the start or after whitespace), one after it.
    const before = space - 1;
    const after = space + 1;
    if (
      before < 0 ||
      after >= text.length ||
      isSpace(text.charCodeAt(before)) ||
      isSpace(text.charCodeAt(after))
    )
      continue;
    if (
      (before === 0 || isSpace(text.charCodeAt(before - 1))) &&
      (after + 1 === text.length || isSpace(text.charCodeAt(after + 1)))
    )
      return true;
  }
  return false;
}

const isSpace = (code: number) => code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0;
