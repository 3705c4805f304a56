/**
 * Reads and rewrites the application's version file (ARCHITECTURE.md §5). The form follows
 * the extension: `.py` Python constants, `.ts/.mts/.cts/.js/.mjs/.cjs` `export const`,
 * `.json` a flat object, `.yaml/.yml` a mapping. A rewrite changes only the value literals
 * of the fields asked for; every other byte of the file is kept.
 */
import type { Version } from '../version.ts';
import { VersionFileError } from './errors.ts';
import { CONSTANT_NAMES, collectSpans, type ValueSpan, VERSION_FIELDS } from './version-fields.ts';
import { jsonSpans } from './version-file-json.ts';
import { pythonSpans, typescriptSpans } from './version-file-lines.ts';
import { yamlSpans } from './version-file-yaml.ts';

export type VersionFileForm = 'python' | 'typescript' | 'json' | 'yaml';

const FORM_BY_EXTENSION: Readonly<Record<string, VersionFileForm>> = {
  py: 'python',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  js: 'typescript',
  mjs: 'typescript',
  cjs: 'typescript',
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
};

const SPANS: Readonly<Record<VersionFileForm, (path: string, text: string) => ValueSpan[]>> = {
  python: pythonSpans,
  typescript: typescriptSpans,
  json: jsonSpans,
  yaml: yamlSpans,
};

export function versionFileForm(path: string): VersionFileForm {
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
  const form = FORM_BY_EXTENSION[extension];
  if (form === undefined) {
    throw new VersionFileError(
      path,
      'unsupported version file type (use .py, .ts, .js, .json, .yaml or .yml)',
    );
  }
  return form;
}

export function readVersionFile(path: string, text: string): Version {
  const spans = locate(path, text);
  const read = (field: keyof Version) => spans.get(field)?.value ?? '';
  return { model: read('model'), modelVersion: read('modelVersion'), prompt: read('prompt') };
}

/** Returns the text with the given fields set; fields already at that value are not touched. */
export function rewriteVersionFile(path: string, text: string, changes: Partial<Version>): string {
  const spans = locate(path, text);
  const edits = VERSION_FIELDS.flatMap((field) => {
    const value = changes[field];
    const span = spans.get(field);
    if (value === undefined || span === undefined || span.value === value) return [];
    return [{ start: span.start, end: span.end, literal: span.render(value) }];
  }).sort((a, b) => b.start - a.start);
  let result = text;
  for (const edit of edits) result = result.slice(0, edit.start) + edit.literal + result.slice(edit.end);
  return result;
}

function locate(path: string, text: string): Map<keyof Version, ValueSpan> {
  const spans = collectSpans(path, SPANS[versionFileForm(path)](path, text));
  const missing = VERSION_FIELDS.filter((field) => !spans.has(field)).map((field) => CONSTANT_NAMES[field]);
  if (missing.length > 0) throw new VersionFileError(path, `missing ${missing.join(', ')}`);
  for (const span of spans.values()) {
    if (span.value.length === 0) throw new VersionFileError(path, `${CONSTANT_NAMES[span.field]} is empty`);
  }
  return spans;
}
