import { access, readFile } from 'node:fs/promises';
import { ValidationError } from '../../core/errors.ts';
import { type GdsReportEvent, parseEvent } from '../../core/events.ts';

/** Fails with the option and the reason when a file the user named cannot be read. */
export async function ensureReadable(path: string, option: string): Promise<void> {
  if (path === '-') return;
  try {
    await access(path);
  } catch (error) {
    throw new ValidationError(
      `${option}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
}

/** The file's text, or undefined when it does not exist; other read failures are errors. */
export async function readOptionalText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ValidationError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
}

/**
 * GDS reports from a file: one `gds_report` event as JSON, a JSON array of them, or JSON lines.
 * Every problem names the file, the entry and the field.
 */
export async function readGdsReports(path: string): Promise<GdsReportEvent[]> {
  await ensureReadable(path, '--gds');
  const text = await readFile(path, 'utf8');
  let entries: unknown[];
  try {
    const document: unknown = JSON.parse(text);
    entries = Array.isArray(document) ? document : [document];
  } catch {
    entries = [];
    const lines = text.split(/\r?\n/);
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      try {
        entries.push(JSON.parse(line));
      } catch (error) {
        throw new ValidationError(
          `--gds: ${path} line ${index + 1} is not valid JSON (${(error as Error).message}); ` +
            'expected a gds_report event, a JSON array of them, or one per line',
        );
      }
    }
  }
  const reports: GdsReportEvent[] = [];
  const problems: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const parsed = parseEvent(entry, index);
    if (!parsed.ok) {
      problems.push(`entry ${index + 1}: ${parsed.rejection.field}: ${parsed.rejection.message}`);
      continue;
    }
    if (parsed.event.type !== 'gds_report') {
      problems.push(`entry ${index + 1}: type: must be gds_report (got ${parsed.event.type})`);
      continue;
    }
    reports.push(parsed.event);
  }
  if (problems.length > 0) throw new ValidationError(`--gds: ${path} has invalid reports`, problems);
  if (reports.length === 0) throw new ValidationError(`--gds: ${path} holds no gds_report event`);
  return reports;
}
