/** The real launcher (bin/sentinel.js) in a child process, as a script or a person runs it. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const LAUNCHER = resolve('bin/sentinel.js');

export const V2 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };

/** One line of an events file: a routine classification of V2 at 11:00 on 2026-11-27. */
export const classificationLine = (id: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    type: 'classification',
    id,
    ts: '2026-11-27T11:00:00Z',
    version: V2,
    importance: 'routine',
    ...extra,
  });

/**
 * Runs `sentinel …args` in `cwd`, without a SENTINEL_STATE_DIR of the caller's environment; a
 * non-zero exit is returned as `code`, not thrown.
 */
export async function sentinel(
  args: string[],
  cwd = process.cwd(),
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.SENTINEL_STATE_DIR;
  try {
    const { stdout, stderr } = await run('node', [LAUNCHER, ...args], { cwd, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
