/**
 * A unified-style diff of planned file changes, for dry runs and the RCA's "what changed".
 * Line-based, 3 lines of context; good enough for people to read, not meant for `git apply`.
 */

export interface FileDiffInput {
  path: string;
  before: Uint8Array | null;
  after: Uint8Array | null;
}

const CONTEXT = 3;
// Above this many cells the middle section is shown as replaced wholesale instead of aligned.
const MAX_ALIGN_CELLS = 4_000_000;

type Op = { kind: ' ' | '-' | '+'; line: string };

export function unifiedDiff(files: readonly FileDiffInput[]): string {
  return files.map(fileDiff).join('');
}

function fileDiff({ path, before, after }: FileDiffInput): string {
  const header = `--- ${before === null ? '/dev/null' : `a/${path}`}\n+++ ${after === null ? '/dev/null' : `b/${path}`}\n`;
  const oldText = decode(before);
  const newText = decode(after);
  if (oldText === undefined || newText === undefined) return `${header}Binary files differ\n`;
  if (oldText === newText) return '';
  const ops = align(splitLines(oldText), splitLines(newText));
  return header + hunks(ops).join('');
}

function decode(bytes: Uint8Array | null): string | undefined {
  if (bytes === null) return '';
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined; // not text: the diff says "Binary files differ" instead
  }
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] = `${lines[lines.length - 1]}\n\\ No newline at end of file`;
  return lines;
}

function align(a: string[], b: string[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix += 1;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  ) {
    suffix += 1;
  }
  const same = (lines: string[]): Op[] => lines.map((line) => ({ kind: ' ', line }));
  const middleA = a.slice(prefix, a.length - suffix);
  const middleB = b.slice(prefix, b.length - suffix);
  return [...same(a.slice(0, prefix)), ...alignMiddle(middleA, middleB), ...same(a.slice(a.length - suffix))];
}

/** Longest common subsequence by dynamic programming on the part that differs. */
function alignMiddle(a: string[], b: string[]): Op[] {
  if ((a.length + 1) * (b.length + 1) > MAX_ALIGN_CELLS) {
    return [...a.map((line): Op => ({ kind: '-', line })), ...b.map((line): Op => ({ kind: '+', line }))];
  }
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      table[i * width + j] =
        a[i] === b[j]
          ? (table[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(table[(i + 1) * width + j] ?? 0, table[i * width + j + 1] ?? 0);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i] ?? '' });
      i += 1;
      j += 1;
    } else if (
      j < b.length &&
      (i === a.length || (table[i * width + j + 1] ?? 0) >= (table[(i + 1) * width + j] ?? 0))
    ) {
      ops.push({ kind: '+', line: b[j] ?? '' });
      j += 1;
    } else {
      ops.push({ kind: '-', line: a[i] ?? '' });
      i += 1;
    }
  }
  // Show removals before additions within a changed run, as `diff -u` does.
  return reorderRuns(ops);
}

function reorderRuns(ops: Op[]): Op[] {
  const result: Op[] = [];
  let run: Op[] = [];
  const flush = () => {
    result.push(...run.filter((op) => op.kind === '-'), ...run.filter((op) => op.kind === '+'));
    run = [];
  };
  for (const op of ops) {
    if (op.kind === ' ') {
      flush();
      result.push(op);
    } else run.push(op);
  }
  flush();
  return result;
}

function hunks(ops: Op[]): string[] {
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  const out: string[] = [];
  let cursor = 0;
  while (cursor < changed.length) {
    const first = changed[cursor] ?? 0;
    let last = first;
    while (cursor + 1 < changed.length && (changed[cursor + 1] ?? 0) - last <= 2 * CONTEXT) {
      cursor += 1;
      last = changed[cursor] ?? last;
    }
    cursor += 1;
    const start = Math.max(0, first - CONTEXT);
    const end = Math.min(ops.length, last + CONTEXT + 1);
    const oldStart = ops.slice(0, start).filter((op) => op.kind !== '+').length;
    const newStart = ops.slice(0, start).filter((op) => op.kind !== '-').length;
    const slice = ops.slice(start, end);
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    const range = (from: number, count: number) => `${count === 0 ? from : from + 1},${count}`;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@\n`);
    for (const op of slice) out.push(`${op.kind}${op.line}\n`);
  }
  return out;
}
