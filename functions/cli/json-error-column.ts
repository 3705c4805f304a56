/**
 * Where a line stops being JSON, as a 1-based column, or undefined when it is valid JSON. The
 * CLI reports only this position: JSON.parse's own message quotes the input, and an events line
 * may carry an email snippet. Iterative (an explicit stack), so deep nesting cannot overflow.
 */
export function jsonErrorColumn(text: string): number | undefined {
  const closers: string[] = [];
  let i = 0;
  let expect: 'value' | 'key' | 'colon' | 'commaOrClose' | 'done' = 'value';
  const after = () => (closers.length === 0 ? 'done' : 'commaOrClose');
  const match = (pattern: RegExp): boolean => {
    pattern.lastIndex = i;
    const found = pattern.exec(text);
    if (found === null) return false;
    i += found[0].length;
    return true;
  };
  for (;;) {
    WHITESPACE.lastIndex = i;
    i += WHITESPACE.exec(text)?.[0].length ?? 0;
    if (i >= text.length) return expect === 'done' ? undefined : i + 1;
    const char = text[i];
    if (expect === 'done') return i + 1;
    if (expect === 'colon') {
      if (char !== ':') return i + 1;
      i += 1;
      expect = 'value';
    } else if (expect === 'commaOrClose') {
      if (char === ',') {
        i += 1;
        expect = closers.at(-1) === '}' ? 'key' : 'value';
      } else if (char === closers.at(-1)) {
        closers.pop();
        i += 1;
        expect = after();
      } else {
        return i + 1;
      }
    } else if (expect === 'key') {
      if (char !== '"' || !match(STRING)) return i + 1;
      expect = 'colon';
    } else if (char === '{' || char === '[') {
      i += 1;
      WHITESPACE.lastIndex = i;
      i += WHITESPACE.exec(text)?.[0].length ?? 0;
      const closer = char === '{' ? '}' : ']';
      if (text[i] === closer) {
        i += 1;
        expect = after();
      } else {
        closers.push(closer);
        expect = char === '{' ? 'key' : 'value';
      }
    } else if (match(STRING) || match(NUMBER) || match(LITERAL)) {
      expect = after();
    } else {
      return i + 1;
    }
  }
}

const WHITESPACE = /[ \t\n\r]*/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in strings.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
