import type { SentinelEvent } from '../core/events.ts';
import { parseEvent } from '../core/events.ts';
import type { OtpExtensions } from '../core/otp.ts';
import { readJsonLines } from '../local/jsonl.ts';

export interface EventsFileProblem {
  line: number;
  field: string;
  message: string;
}

export interface ReadEventsOptions {
  /** Called with the number of lines read so far, every `progressEvery` lines. */
  onProgress?: (linesRead: number) => void;
  progressEvery?: number;
  /** The policy's OTP detector extensions, applied to every snippet. */
  otp?: OtpExtensions;
}

/**
 * Streams a `.jsonl` events file, validating each line. Valid events go to `onEvent`; invalid
 * lines are collected as `line N: field: problem` so that one bad line never hides the rest.
 */
export async function readEventsFile(
  path: string,
  onEvent: (event: SentinelEvent) => void,
  options: ReadEventsOptions = {},
): Promise<{ events: number; problems: EventsFileProblem[] }> {
  const problems: EventsFileProblem[] = [];
  const every = options.progressEvery ?? 100_000;
  let events = 0;
  let lines = 0;
  for await (const entry of readJsonLines(path)) {
    lines += 1;
    if (options.onProgress && lines % every === 0) options.onProgress(lines);
    if ('error' in entry) {
      problems.push({ line: entry.line, field: '(line)', message: entry.error });
      continue;
    }
    const parsed = parseEvent(entry.value, entry.line, options.otp);
    if (!parsed.ok) {
      problems.push({ line: entry.line, field: parsed.rejection.field, message: parsed.rejection.message });
      continue;
    }
    events += 1;
    onEvent(parsed.event);
  }
  return { events, problems };
}

export function formatProblem(problem: EventsFileProblem): string {
  return `line ${problem.line}: ${problem.field}: ${problem.message}`;
}
