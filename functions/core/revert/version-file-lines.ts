/**
 * Line forms of the version file: Python module constants and TS/JS `export const`. Only
 * assignments at column 0 count (module level); a value is a single- or double-quoted (or,
 * in TS, back-quoted) literal without escapes, optionally followed by a comment.
 */
import { VersionFileError } from './errors.ts';
import { assertPlainValue, fieldOfConstant, type ValueSpan } from './version-fields.ts';

const NAMES = 'MODEL_NAME|MODEL_VERSION|PROMPT_VERSION';

// `NAME[: annotation] = "value"` then optional spaces and `# comment`. The `d` flag gives the
// literal's offsets so the rewrite splices only the literal.
const PYTHON = new RegExp(`^(${NAMES})[ \\t]*(?::[^=\\n]*)?=[ \\t]*((["'])([^\\n]*?)\\3)([^\\n]*)$`, 'gmd');
const PYTHON_REST = /^[ \t]*(?:#.*)?\r?$/;

// `export const NAME[: type] = 'value'[ as const][;] [// comment]`
const TYPESCRIPT = new RegExp(
  `^export[ \\t]+const[ \\t]+(${NAMES})[ \\t]*(?::[^=\\n]*)?=[ \\t]*((["'\`])([^\\n]*?)\\3)([^\\n]*)$`,
  'gmd',
);
const TYPESCRIPT_REST = /^[ \t]*(?:as[ \t]+const[ \t]*)?;?[ \t]*(?:\/\/.*)?\r?$/;

export function pythonSpans(path: string, text: string): ValueSpan[] {
  return lineSpans(path, text, PYTHON, PYTHON_REST);
}

export function typescriptSpans(path: string, text: string): ValueSpan[] {
  return lineSpans(path, text, TYPESCRIPT, TYPESCRIPT_REST);
}

function lineSpans(path: string, text: string, pattern: RegExp, rest: RegExp): ValueSpan[] {
  const spans: ValueSpan[] = [];
  for (const match of text.matchAll(pattern)) {
    const [, name = '', , quote = '"', value = '', trailing = ''] = match;
    const field = fieldOfConstant(name);
    const literal = match.indices?.[2];
    if (field === undefined || literal === undefined) continue;
    if (!rest.test(trailing)) {
      // Triple quotes, concatenation, escapes or a second statement: not a plain constant.
      throw new VersionFileError(path, `${name} is not assigned a plain string literal`);
    }
    if (value.includes('\\') || (quote === '`' && value.includes('${'))) {
      throw new VersionFileError(path, `${name} uses escapes or interpolation, which are not supported`);
    }
    spans.push({
      field,
      start: literal[0],
      end: literal[1],
      value,
      render(next) {
        assertPlainValue(path, field, next, quote);
        return `${quote}${next}${quote}`;
      },
    });
  }
  return spans;
}
