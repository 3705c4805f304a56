/** Where the version lives in the application repository; defaults are the seed's ShopQ layout. */
export interface RepoLayout {
  versionFile: string;
  promptFiles: readonly string[];
  /** Files in which the model name literal appears (e.g. the Vertex classifier). */
  modelReferenceFiles: readonly string[];
  /** One line per rollback is appended here (created when missing). */
  versionsLog: string;
}

export const DEFAULT_LAYOUT: RepoLayout = {
  versionFile: 'shopq/versioning.py',
  promptFiles: ['shopq/prompts/classifier_prompt.txt'],
  modelReferenceFiles: ['shopq/vertex_gemini_classifier.py'],
  versionsLog: 'VERSIONS.md',
};

export function resolveLayout(partial: Partial<RepoLayout> = {}): RepoLayout {
  return { ...DEFAULT_LAYOUT, ...partial };
}

/** Every path the procedures A and B look at, each once. */
export function layoutPaths(layout: RepoLayout): string[] {
  return [
    ...new Set([
      layout.versionFile,
      ...layout.promptFiles,
      ...layout.modelReferenceFiles,
      layout.versionsLog,
    ]),
  ];
}
