import { fileURLToPath } from 'node:url';

/** The repository root: esbuild's project root and where package-lock.json lives, whatever the cwd. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Absolute path of a handler module under `functions/handlers/`, e.g. `workflow/verify.ts`. */
export function handlerEntry(relativePath: string): string {
  return fileURLToPath(new URL(`../functions/handlers/${relativePath}`, import.meta.url));
}
