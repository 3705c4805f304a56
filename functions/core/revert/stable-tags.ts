/** The `*-stable` tag convention of the runbook (e.g. `v1.2.0-stable`). */
import type { StableTag } from '../../ports.ts';

export function isStableTagName(name: string): boolean {
  return name.endsWith('-stable') && name.length > '-stable'.length;
}

/** Newest commit first; equal dates fall back to the name, highest version-like name first. */
export function newestFirst(tags: readonly StableTag[]): StableTag[] {
  return [...tags].sort(
    (a, b) =>
      Date.parse(b.committedAt) - Date.parse(a.committedAt) ||
      b.name.localeCompare(a.name, 'en', { numeric: true }),
  );
}
