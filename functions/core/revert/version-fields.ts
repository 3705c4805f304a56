/**
 * What the version-file forms share: the three fields, their spellings, and the span of a
 * value literal in the file's text. Every form finds spans and rewrites by splicing only the
 * literal, so every other byte of the file (comments, blank lines, line endings) is kept.
 */
import type { Version } from '../version.ts';
import { VersionFileError } from './errors.ts';

export type VersionField = keyof Version;

export const VERSION_FIELDS: readonly VersionField[] = ['model', 'modelVersion', 'prompt'];

/** The constant names of the seed's `shopq/versioning.py`, used by the Python and TS forms. */
export const CONSTANT_NAMES: Readonly<Record<VersionField, string>> = {
  model: 'MODEL_NAME',
  modelVersion: 'MODEL_VERSION',
  prompt: 'PROMPT_VERSION',
};

/** The camelCase spelling JSON and YAML files may use instead of the constant names. */
export const CAMEL_NAMES: Readonly<Record<VersionField, string>> = {
  model: 'modelName',
  modelVersion: 'modelVersion',
  prompt: 'promptVersion',
};

export interface ValueSpan {
  field: VersionField;
  /** Offsets of the whole literal (quotes included) in the text. */
  start: number;
  end: number;
  value: string;
  /** The literal for a new value in the same quote style as the old one. */
  render(value: string): string;
}

export function fieldOfConstant(name: string): VersionField | undefined {
  return VERSION_FIELDS.find((field) => CONSTANT_NAMES[field] === name);
}

/** Accepts either spelling, but not both in one file: two sources of truth would disagree. */
export function fieldOfKey(
  path: string,
  key: string,
  seenStyles: Set<'constant' | 'camel'>,
): VersionField | undefined {
  const constant = VERSION_FIELDS.find((field) => CONSTANT_NAMES[field] === key);
  const camel = VERSION_FIELDS.find((field) => CAMEL_NAMES[field] === key);
  const field = constant ?? camel;
  if (field === undefined) return undefined;
  seenStyles.add(constant !== undefined ? 'constant' : 'camel');
  if (seenStyles.size > 1) {
    throw new VersionFileError(path, 'mixes MODEL_NAME-style and modelName-style keys; use one spelling');
  }
  return field;
}

/** Indexes spans by field, refusing duplicates (which one wins would depend on the reader). */
export function collectSpans(path: string, spans: readonly ValueSpan[]): Map<VersionField, ValueSpan> {
  const byField = new Map<VersionField, ValueSpan>();
  for (const span of spans) {
    if (byField.has(span.field)) {
      throw new VersionFileError(path, `${CONSTANT_NAMES[span.field]} is defined more than once`);
    }
    byField.set(span.field, span);
  }
  return byField;
}

/** A value must fit in a one-line literal without escapes; version strings always do. */
export function assertPlainValue(path: string, field: VersionField, value: string, forbidden: string): void {
  if (value.length === 0) throw new VersionFileError(path, `${CONSTANT_NAMES[field]} cannot be empty`);
  for (const char of ['\n', '\r', '\\', ...forbidden]) {
    if (value.includes(char)) {
      throw new VersionFileError(
        path,
        `${CONSTANT_NAMES[field]} value ${JSON.stringify(value)} contains ${JSON.stringify(char)}`,
      );
    }
  }
}
