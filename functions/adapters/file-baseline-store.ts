/**
 * Baselines as JSON files under `<stateDir>/baselines/`, one per version, named by the URI-encoded
 * version key (`gemini-2.0-flash%7C2.0%7Cv3.json`). Written to a temporary file and renamed, so
 * a reader never sees half a baseline.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Baseline, BaselineStore } from '../core/prevention/gate.ts';
import { type Version, versionKey } from '../core/version.ts';

export class FileBaselineStore implements BaselineStore {
  constructor(private readonly stateDir: string) {}

  pathOf(version: Version): string {
    return join(this.stateDir, 'baselines', `${encodeURIComponent(versionKey(version))}.json`);
  }

  async put(baseline: Baseline): Promise<{ location: string }> {
    const path = this.pathOf(baseline.version);
    await mkdir(join(this.stateDir, 'baselines'), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(baseline, null, 2)}\n`, 'utf8');
    await rename(temporary, path);
    return { location: path };
  }

  async get(version: Version): Promise<Baseline | undefined> {
    try {
      return JSON.parse(await readFile(this.pathOf(version), 'utf8')) as Baseline;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}
