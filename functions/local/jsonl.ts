import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export type JsonLine = { line: number; value: unknown } | { line: number; error: string };

/**
 * Reads a `.jsonl` file (or stdin for "-") line by line, so a file of millions of events never
 * sits in memory whole. Blank lines are skipped; a line that is not JSON is reported, not fatal.
 */
export async function* readJsonLines(path: string): AsyncGenerator<JsonLine> {
  const input = path === '-' ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    try {
      yield { line, value: JSON.parse(text) };
    } catch (error) {
      yield { line, error: `not valid JSON (${(error as Error).message})` };
    }
  }
}
