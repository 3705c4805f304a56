/**
 * Reading commands on a machine that has no local state yet: opening the store would create
 * `./.sentinel` as a side effect of a question, and answer "no incidents" about a store that
 * never existed. When the state dir is the default (not named with --state-dir) and missing,
 * the CLI says where state would be instead, and creates nothing.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';

export async function missingDefaultState(
  stateDir: string,
  source: string | undefined,
): Promise<string | undefined> {
  if (source !== 'default') return undefined;
  try {
    await stat(stateDir);
    return undefined;
  } catch {
    const relative = !isAbsolute(stateDir) && !/^\.\.?\//.test(stateDir);
    const display = relative ? `./${stateDir}` : stateDir;
    return `no local state in ${display} (run \`npm start\` and use --state-dir <dir>/state, or ingest events first)`;
  }
}
