/**
 * YAML form: a top-level mapping with the same keys as the JSON form. Parsed with the
 * failsafe schema so `MODEL_VERSION: 2.0` reads as the string "2.0", not the number 2.
 * Rewrites splice the scalar's source range and keep its quote style.
 */
import { isMap, isPair, isScalar, parseDocument, Scalar } from 'yaml';
import { VersionFileError } from './errors.ts';
import { fieldOfKey, type ValueSpan } from './version-fields.ts';

// A plain scalar that every YAML schema reads back as the same string-like token.
const SAFE_PLAIN = /^[A-Za-z0-9][A-Za-z0-9._\-/+]*$/;

export function yamlSpans(path: string, text: string): ValueSpan[] {
  const document = parseDocument(text, { schema: 'failsafe' });
  if (document.errors.length > 0) {
    throw new VersionFileError(path, `not valid YAML (${document.errors[0]?.message ?? 'parse error'})`);
  }
  const root = document.contents;
  if (!isMap(root)) throw new VersionFileError(path, 'must be a YAML mapping at the top level');
  const spans: ValueSpan[] = [];
  const styles = new Set<'constant' | 'camel'>();
  for (const pair of root.items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    const field = fieldOfKey(path, key, styles);
    if (field === undefined) continue;
    const node = pair.value;
    if (!isScalar(node) || node.range == null) {
      throw new VersionFileError(path, `"${key}" must be a string`);
    }
    const style = node.type;
    if (style !== Scalar.PLAIN && style !== Scalar.QUOTE_DOUBLE && style !== Scalar.QUOTE_SINGLE) {
      throw new VersionFileError(path, `"${key}" must be a one-line scalar, not a block scalar`);
    }
    spans.push({
      field,
      start: node.range[0],
      end: node.range[1],
      value: String(node.value),
      render(value) {
        if (style === Scalar.QUOTE_SINGLE) return `'${value.replaceAll("'", "''")}'`;
        if (style === Scalar.PLAIN && SAFE_PLAIN.test(value)) return value;
        return JSON.stringify(value);
      },
    });
  }
  return spans;
}
