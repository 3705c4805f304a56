import { z } from 'zod';

/** The deployed classifier's identity: model name, model version and prompt version. */
export const versionSchema = z.strictObject({
  model: z.string().min(1, 'must be a non-empty string'),
  modelVersion: z.string().min(1, 'must be a non-empty string'),
  prompt: z.string().min(1, 'must be a non-empty string'),
});

export type Version = z.infer<typeof versionSchema>;

const SEPARATOR = '|';

/** A stable string key for a version, used as the store's partition and in maps. */
export function versionKey(version: Version): string {
  return [version.model, version.modelVersion, version.prompt].join(SEPARATOR);
}

export function versionFromKey(key: string): Version {
  const [model, modelVersion, prompt] = key.split(SEPARATOR);
  if (model === undefined || modelVersion === undefined || prompt === undefined) {
    throw new Error(`not a version key: ${key}`);
  }
  return { model, modelVersion, prompt };
}

export function sameVersion(a: Version, b: Version): boolean {
  return versionKey(a) === versionKey(b);
}

/** "gemini-2.0-flash 2.0 / prompt v2" — how people read a version in messages. */
export function describeVersion(version: Version): string {
  return `${version.model} ${version.modelVersion} / prompt ${version.prompt}`;
}
