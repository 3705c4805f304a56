/**
 * Which runbook procedure a revert needs (ARCHITECTURE.md §5): A when only the prompt changed
 * since the stable target, B when only the model changed, C when both did or when any other
 * file changed (a version-only revert would leave that code at the bad state).
 */
import type { Version } from '../version.ts';
import { VersionFileError } from './errors.ts';
import { layoutPaths, type RepoLayout } from './layout.ts';
import { decodeText, fileAt, type Snapshot, sameBytes } from './snapshot.ts';
import { readVersionFile } from './version-file.ts';

export type Procedure = 'A' | 'B' | 'C';

export interface ProcedureInput {
  layout: RepoLayout;
  target: Snapshot;
  head: Snapshot;
  /** Paths that differ between the target and the head commit. */
  changedPaths: readonly string[];
}

export interface ProcedureDecision {
  /** `none`: model and prompt are already those of the target. */
  procedure: Procedure | 'none';
  from: Version;
  to: Version;
  modelChanged: boolean;
  promptChanged: boolean;
  /** Changed paths outside the version file, prompts, model references and versions log. */
  otherChangedPaths: string[];
}

export function decideProcedure({ layout, target, head, changedPaths }: ProcedureInput): ProcedureDecision {
  const from = versionAt(layout, head);
  const to = versionAt(layout, target);
  const differs = (path: string) => !sameBytes(fileAt(head, path), fileAt(target, path));
  const modelChanged =
    from.model !== to.model ||
    from.modelVersion !== to.modelVersion ||
    layout.modelReferenceFiles.some(differs);
  const promptChanged = from.prompt !== to.prompt || layout.promptFiles.some(differs);
  const known = new Set(layoutPaths(layout));
  const otherChangedPaths = changedPaths.filter((path) => !known.has(path));
  let procedure: ProcedureDecision['procedure'];
  if (!modelChanged && !promptChanged) procedure = 'none';
  else if (otherChangedPaths.length > 0 || (modelChanged && promptChanged)) procedure = 'C';
  else procedure = modelChanged ? 'B' : 'A';
  return { procedure, from, to, modelChanged, promptChanged, otherChangedPaths };
}

export function versionAt(layout: RepoLayout, snapshot: Snapshot): Version {
  const bytes = fileAt(snapshot, layout.versionFile);
  if (bytes === null) {
    throw new VersionFileError(layout.versionFile, `does not exist at ${snapshot.sha.slice(0, 12)}`);
  }
  let text: string;
  try {
    text = decodeText(bytes);
  } catch {
    throw new VersionFileError(layout.versionFile, `is not UTF-8 text at ${snapshot.sha.slice(0, 12)}`);
  }
  return readVersionFile(layout.versionFile, text);
}
