import { fileURLToPath } from 'node:url';

/** Absolute path of a handler module under `functions/handlers/`, e.g. `workflow/verify.ts`. */
export function handlerEntry(relativePath: string): string {
  return fileURLToPath(new URL(`../functions/handlers/${relativePath}`, import.meta.url));
}
