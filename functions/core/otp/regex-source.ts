/**
 * `source` (a regex source) with each character that is neither escaped nor inside a character
 * class passed through `rewrite`; escapes and classes are copied as they are.
 */
export function rewriteOutsideClasses(
  source: string,
  rewrite: (character: string, index: number) => string,
): string {
  let result = '';
  let inClass = false;
  for (let index = 0; index < source.length; index++) {
    const character = source[index] as string;
    if (character === '\\') {
      result += source.slice(index, index + 2);
      index += 1;
    } else if (inClass) {
      inClass = character !== ']';
      result += character;
    } else if (character === '[') {
      inClass = true;
      result += character;
    } else result += rewrite(character, index);
  }
  return result;
}
