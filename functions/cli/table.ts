/**
 * A plain text table for people: columns padded to their widest cell; the last column (the
 * reason) is word-wrapped so a row fits `width` (100) columns, continuation lines indented under
 * it. Words are never split and no other cell is cut: a table whose fixed columns are wide
 * anyway stays correct, just wider. `wide` keeps one line per row (for grep and wide terminals).
 */
export interface TableOptions {
  wide?: boolean;
  width?: number;
}

export const TABLE_WIDTH = 100;
/** Below this the reason column would be a word per line: better to run past `width`. */
const MIN_LAST_COLUMN = 24;

export function table(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const last = columns.length - 1;
  const widths = columns.map((title, column) =>
    column === last ? 0 : Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const indent = widths.slice(0, last).reduce((sum, width) => sum + width + 2, 0);
  const room = Math.max(MIN_LAST_COLUMN, (options.width ?? TABLE_WIDTH) - indent);
  const line = (cells: readonly string[]) => {
    const head = cells
      .slice(0, last)
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ');
    const reason = cells[last] ?? '';
    const [first = '', ...rest] = options.wide ? [reason] : wrapWords(reason, room);
    const prefix = last === 0 ? '' : `${head}  `;
    return [`${prefix}${first}`.trimEnd(), ...rest.map((text) => `${' '.repeat(indent)}${text}`)].join('\n');
  };
  return [line(columns), ...rows.map(line)].join('\n');
}

/** Greedy word wrap at spaces; a word longer than `width` gets a line of its own, whole. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (current === '') current = word;
    else if (current.length + 1 + word.length <= width) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  lines.push(current);
  return lines;
}
