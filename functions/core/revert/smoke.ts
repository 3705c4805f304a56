/**
 * The runbook's quick validation before deploying, done on the planned files (nothing is
 * committed when it fails): restored prompt files are non-empty, and the version file of
 * the result parses and names exactly the version the procedure promises.
 */
import { describeVersion, sameVersion, type Version } from '../version.ts';
import { SmokeCheckFailedError } from './errors.ts';
import type { RepoLayout } from './layout.ts';
import type { RevertPlan } from './plan.ts';
import { decodeText, fileAt, type Snapshot } from './snapshot.ts';
import { readVersionFile } from './version-file.ts';

export function expectedVersion(plan: RevertPlan): Version {
  if (plan.procedure === 'A') return { ...plan.from, prompt: plan.to.prompt };
  if (plan.procedure === 'B')
    return { ...plan.from, model: plan.to.model, modelVersion: plan.to.modelVersion };
  return plan.to;
}

export function smokeCheck(plan: RevertPlan, layout: RepoLayout, base: Snapshot): void {
  const problems: string[] = [];
  const after = (path: string) => {
    const change = plan.changes.find((candidate) => candidate.path === path);
    return change !== undefined ? change.after : fileAt(base, path);
  };
  for (const path of plan.restoredPromptFiles) {
    const bytes = after(path);
    if (bytes === null || decodeText(bytes).trim() === '') problems.push(`${path}: restored prompt is empty`);
  }
  const versionBytes = after(layout.versionFile);
  const wanted = expectedVersion(plan);
  if (versionBytes === null) {
    problems.push(`${layout.versionFile}: missing after the revert`);
  } else {
    try {
      const actual = readVersionFile(layout.versionFile, decodeText(versionBytes));
      if (!sameVersion(actual, wanted)) {
        problems.push(
          `${layout.versionFile}: reads ${describeVersion(actual)}, expected ${describeVersion(wanted)}`,
        );
      }
    } catch (error) {
      problems.push(`${layout.versionFile}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new SmokeCheckFailedError(problems);
}
