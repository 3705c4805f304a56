/**
 * JSON form: one flat top-level object whose keys are either `MODEL_NAME`, `MODEL_VERSION`,
 * `PROMPT_VERSION` or `modelName`, `modelVersion`, `promptVersion` (one spelling per file),
 * each with a string value; other keys are ignored. A small scanner finds the top-level
 * value literals so the rewrite keeps indentation, key order and every other byte.
 */
import { VersionFileError } from './errors.ts';
import { fieldOfKey, type ValueSpan } from './version-fields.ts';

export function jsonSpans(path: string, text: string): ValueSpan[] {
  try {
    JSON.parse(text);
  } catch (error) {
    throw new VersionFileError(path, `not valid JSON (${(error as Error).message})`);
  }
  const scanner = new Scanner(text);
  scanner.skipSpace();
  if (scanner.peek() !== '{') throw new VersionFileError(path, 'must be a JSON object');
  scanner.position += 1;
  const spans: ValueSpan[] = [];
  const styles = new Set<'constant' | 'camel'>();
  scanner.skipSpace();
  if (scanner.peek() === '}') return spans;
  for (;;) {
    scanner.skipSpace();
    const key = JSON.parse(scanner.stringLiteral()) as string;
    scanner.skipSpace();
    scanner.position += 1; // ':' (JSON.parse above vouched for the syntax)
    scanner.skipSpace();
    const start = scanner.position;
    const isString = scanner.peek() === '"';
    scanner.skipValue();
    const field = fieldOfKey(path, key, styles);
    if (field !== undefined) {
      if (!isString) throw new VersionFileError(path, `"${key}" must be a string`);
      const literal = text.slice(start, scanner.position);
      spans.push({
        field,
        start,
        end: scanner.position,
        value: JSON.parse(literal) as string,
        render: (value) => JSON.stringify(value),
      });
    }
    scanner.skipSpace();
    if (scanner.peek() === ',') {
      scanner.position += 1;
      continue;
    }
    return spans;
  }
}

/** Walks JSON text that JSON.parse already accepted, so it only has to find boundaries. */
class Scanner {
  position = 0;
  constructor(private readonly text: string) {}

  peek(): string {
    return this.text[this.position] ?? '';
  }

  skipSpace(): void {
    while (/\s/.test(this.peek())) this.position += 1;
  }

  /** Returns the raw literal, quotes included, and moves past it. */
  stringLiteral(): string {
    const start = this.position;
    this.position += 1;
    while (this.position < this.text.length) {
      const char = this.text[this.position];
      if (char === '\\') this.position += 2;
      else if (char === '"') {
        this.position += 1;
        return this.text.slice(start, this.position);
      } else this.position += 1;
    }
    return this.text.slice(start);
  }

  skipValue(): void {
    const first = this.peek();
    if (first === '"') {
      this.stringLiteral();
      return;
    }
    if (first === '{' || first === '[') {
      let depth = 0;
      while (this.position < this.text.length) {
        const char = this.peek();
        if (char === '"') {
          this.stringLiteral();
          continue;
        }
        if (char === '{' || char === '[') depth += 1;
        if (char === '}' || char === ']') depth -= 1;
        this.position += 1;
        if (depth === 0) return;
      }
      return;
    }
    while (this.position < this.text.length && !/[\s,}\]]/.test(this.peek())) this.position += 1;
  }
}
