/**
 * What the CLI says on stderr after reading an events file, besides the `line N: …` problems:
 * one warning per unknown field name (a misspelled optional field is dropped by the schema and
 * would otherwise vanish silently) and a summary of the rejected lines.
 */

import { SentinelError } from '../core/errors.ts';
import { EVENT_FIELDS } from '../core/events.ts';
import { closestName } from '../core/suggest.ts';
import type { EventsFileRead, UnknownField } from './read-events-file.ts';

/** `--strict` and a line was rejected: the command's output stands, the exit code is 1. */
export class RejectedLinesError extends SentinelError {
  override readonly name = 'RejectedLinesError';
}

/** More distinct unknown names than this are one line, not a flood. */
const MAX_FIELD_WARNINGS = 20;
const count = (n: number) => n.toLocaleString('en-US');

export function readReport(read: EventsFileRead): string[] {
  const lines = read.unknownFields.slice(0, MAX_FIELD_WARNINGS).map(unknownFieldWarning);
  const more = read.unknownFields.length - MAX_FIELD_WARNINGS;
  if (more > 0) lines.push(`warning: ${count(more)} more unknown field names were ignored`);
  const summary = rejectedSummary(read);
  if (summary) lines.push(summary);
  return lines;
}

/** "3 of 1,200 lines rejected (see above)", or undefined when none was. */
export function rejectedSummary(read: Pick<EventsFileRead, 'lines' | 'problems'>): string | undefined {
  const rejected = read.problems.length;
  if (rejected === 0) return undefined;
  return `${count(rejected)} of ${count(read.lines)} ${read.lines === 1 ? 'line' : 'lines'} rejected (see above)`;
}

export function unknownFieldWarning(field: UnknownField): string {
  const suggestion = closestName(field.name, EVENT_FIELDS[field.type]);
  const others = field.count > 1 ? ` (and ${count(field.count - 1)} more lines)` : '';
  return (
    `warning: line ${field.firstLine}${others}: ${fieldName(field.name)} is not a ${field.type} field and was ignored` +
    (suggestion ? `; did you mean ${suggestion}?` : '')
  );
}

/**
 * A key is the caller's text, like any value (it could even hold a snippet): it is shown only
 * when it looks like a field name, else described by its length.
 */
function fieldName(name: string): string {
  return /^[A-Za-z_$][\w$.-]{0,63}$/.test(name)
    ? `"${name}"`
    : `a field whose name has ${name.length} characters`;
}

/** Throws RejectedLinesError under --strict when any line was rejected. */
export function assertStrict(strict: boolean, read: EventsFileRead | undefined): void {
  if (!strict || read === undefined) return;
  const summary = rejectedSummary(read);
  if (summary) throw new RejectedLinesError(`--strict: ${summary.replace(' (see above)', '')}`);
}
