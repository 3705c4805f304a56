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
  SPACED_WORD.lastIndex = 0;
  if (!SPACED_WORD.test(text)) return text;
  return text.replace(SPACED_WORD, (word) => word.replace(SPACE, ''));
}
