import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { SentinelError } from '../core/errors.ts';
import type { SentinelEvent, TimestampWindow } from '../core/events.ts';
import { parseEvent } from '../core/events.ts';
import type { OtpExtensions } from '../core/otp.ts';
import { jsonErrorColumn } from './json-error-column.ts';

export interface EventsFileProblem {
  line: number;
  field: string;
  message: string;
}

/** A field no event type knows, seen on `firstLine` (and `count` lines in all); zod dropped it. */
export interface UnknownField {
  name: string;
  type: SentinelEvent['type'];
  firstLine: number;
  count: number;
}

/** What a read found: lines with content, the rejected ones, and unknown field names. */
export interface EventsFileRead {
  events: number;
  /** Non-blank lines read. */
  lines: number;
  problems: EventsFileProblem[];
  unknownFields: UnknownField[];
}

export interface ReadEventsOptions {
  /**
   * Called with the number of lines read so far, every `progressEvery` lines (default 10,000:
   * often enough for a caller that prints at most every few seconds, cheap enough not to matter).
   */
  onProgress?: (linesRead: number) => void;
  progressEvery?: number;
  /** Events whose `ts` falls outside are reported as problems (see `timestampWindow`). */
  window?: TimestampWindow;
  /** The policy's OTP detector extensions, applied to every snippet. */
  otp?: OtpExtensions;
}

/** The events file cannot be opened or read: names the file and the reason, never a stack. */
export class EventsFileError extends SentinelError {
  override readonly name = 'EventsFileError';
}

/**
 * Streams a `.jsonl` events file, validating each line. Valid events go to `onEvent`; invalid
 * lines are collected as `line N: field: problem` so that one bad line never hides the rest.
 */
export async function readEventsFile(
  path: string,
  onEvent: (event: SentinelEvent) => void,
  options: ReadEventsOptions = {},
): Promise<EventsFileRead> {
  const problems: EventsFileProblem[] = [];
  const unknown = new Map<string, UnknownField>();
  const every = options.progressEvery ?? 10_000;
  let events = 0;
  let line = 0;
  let contentLines = 0;
  const lines = createInterface({ input: await openEvents(path), crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const text of lines) {
      line += 1;
      if (options.onProgress && line % every === 0) options.onProgress(line);
      if (text.trim() === '') continue;
      contentLines += 1;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        // JSON.parse's message quotes the line, which may hold a snippet: give the position only.
        const column = jsonErrorColumn(text);
        const where = column === undefined ? '' : ` (at column ${column})`;
        problems.push({ line, field: '(line)', message: `not valid JSON${where}` });
        continue;
      }
      const parsed = parseEvent(value, line, { window: options.window, otp: options.otp });
      if (!parsed.ok) {
        problems.push({ line, field: parsed.rejection.field, message: parsed.rejection.message });
        continue;
      }
      events += 1;
      for (const name of parsed.unknownFields ?? []) {
        const known = unknown.get(name);
        if (known) known.count += 1;
        else unknown.set(name, { name, type: parsed.event.type, firstLine: line, count: 1 });
      }
      onEvent(parsed.event);
    }
  } catch (error) {
    throw readFailure(path, error);
  }
  return { events, lines: contentLines, problems, unknownFields: [...unknown.values()] };
}

/** Checks the path first, so a missing file or a directory is a one-line answer, not a stack trace. */
async function openEvents(path: string): Promise<Readable> {
  if (path === '-') return process.stdin;
  try {
    if ((await stat(path)).isDirectory()) throw new EventsFileError(`cannot read ${path}: is a directory`);
  } catch (error) {
    throw readFailure(path, error);
  }
  return createReadStream(path, { encoding: 'utf8' });
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'no such file (a part of the path is not a directory)',
};

function readFailure(path: string, error: unknown): unknown {
  if (error instanceof SentinelError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  return new EventsFileError(`cannot read ${path}: ${REASONS[code] ?? code}`);
}

export function formatProblem(problem: EventsFileProblem): string {
  return `line ${problem.line}: ${problem.field}: ${problem.message}`;
}
