/** Small Markdown helpers for the RCA draft: text from records must not break the layout. */

/** One line of text: newlines would end a list item or table row early. */
export function inline(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}

/** A table cell: also escapes the pipe that would start a new column. */
export function cell(text: string): string {
  return inline(text).replace(/\|/g, '\\|');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** A fenced block whose fence is longer than any backtick run inside, so the content cannot close it. */
export function fenced(content: string, language = ''): string {
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${content.replace(/\n+$/, '')}\n${fence}`;
}

/** A line left for people to fill in, visibly a prompt rather than a finding. */
export function prompt(text: string): string {
  return `_To be filled in by the incident owner: ${text}_`;
}
