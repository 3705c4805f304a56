/**
 * A ShopQ-like application repository for the revert tests: `shopq/versioning.py`, the
 * classifier prompt, a model reference file and VERSIONS.md; the stable version committed
 * and tagged `v1.2.0-stable` (an older `v1.1.0-stable` below it), then a bad change.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitText, runGit } from '../../functions/adapters/git-cli.ts';

export type Scenario = 'prompt' | 'model' | 'full';

export const STABLE_TAG = 'v1.2.0-stable';
export const VERSIONING = 'shopq/versioning.py';
export const PROMPT = 'shopq/prompts/classifier_prompt.txt';
export const CLASSIFIER = 'shopq/vertex_gemini_classifier.py';

export const versioning = (model: string, modelVersion: string, prompt: string) =>
  [
    '"""Version constants: the single source of truth (see VERSIONS.md)."""',
    '',
    '# Model',
    `MODEL_NAME = "${model}"`,
    `MODEL_VERSION = "${modelVersion}"  # keep in sync with vertex_gemini_classifier.py`,
    '',
    `PROMPT_VERSION = "${prompt}"`,
    '',
  ].join('\n');

// CRLF, a BOM-less UTF-8 ellipsis and no final newline: "byte for byte" must really mean bytes.
export const PROMPT_V1 =
  'Classify the email importance … critical / time_sensitive / routine.\r\nVerification codes are ROUTINE.';
export const PROMPT_V2 =
  'Classify the email importance … critical / time_sensitive / routine.\r\nWhen unsure, say CRITICAL.\n';

const classifier = (model: string) =>
  `class VertexGeminiClassifier:\n    def __init__(self):\n        self.model = GenerativeModel("${model}")\n`;

export interface ShopqRepo {
  dir: string;
  stableSha: string;
  headSha: string;
  cleanup(): Promise<void>;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'ShopQ Dev',
  GIT_AUTHOR_EMAIL: 'dev@shopq.test',
  GIT_COMMITTER_NAME: 'ShopQ Dev',
  GIT_COMMITTER_EMAIL: 'dev@shopq.test',
};

/** Writes files through plumbing-free porcelain in a fresh non-bare repository on `main`. */
export async function createShopqRepo(scenario: Scenario): Promise<ShopqRepo> {
  const dir = await mkdtemp(join(tmpdir(), `shopq-${scenario}-`));
  await runGit(dir, ['-c', 'init.defaultBranch=main', 'init', '-q']);
  const commit = async (files: Record<string, string | null>, message: string, date: string) => {
    for (const [path, content] of Object.entries(files)) {
      const full = join(dir, path);
      if (content === null) await rm(full, { force: true });
      else {
        await mkdir(join(full, '..'), { recursive: true });
        await writeFile(full, content);
      }
    }
    await runGit(dir, ['add', '-A']);
    const env = { ...IDENTITY, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
    await runGit(dir, ['-c', 'commit.gpgsign=false', 'commit', '-q', '-m', message], { env });
    return gitText(dir, ['rev-parse', 'HEAD']);
  };
  const tag = (name: string, date: string) =>
    runGit(dir, ['-c', 'tag.gpgsign=false', 'tag', '-a', name, '-m', name], {
      env: { ...IDENTITY, GIT_COMMITTER_DATE: date },
    });

  const stableModel = scenario === 'prompt' ? ['gemini-2.0-flash', '2.0'] : ['gemini-1.5-flash', '1.5'];
  const [model = '', modelVersion = ''] = stableModel;
  await commit(
    {
      [VERSIONING]: versioning(model, modelVersion, 'v0'),
      [PROMPT]: 'old prompt\n',
      [CLASSIFIER]: classifier(model),
      'VERSIONS.md': '# Versions\n\n- v0 first release\n',
      'README.md': '# ShopQ\n',
    },
    'first release',
    '2026-10-01T09:00:00Z',
  );
  await runGit(dir, ['tag', 'v1.1.0-stable']); // lightweight, older
  const stableSha = await commit(
    {
      [VERSIONING]: versioning(model, modelVersion, 'v1'),
      [PROMPT]: PROMPT_V1,
      'VERSIONS.md': '# Versions\n\n- v0 first release\n- v1 prompt\n',
    },
    'prompt v1',
    '2026-11-01T09:00:00Z',
  );
  await tag(STABLE_TAG, '2026-11-02T09:00:00Z'); // annotated: adapters must peel it

  let headSha = stableSha;
  if (scenario === 'prompt') {
    headSha = await commit(
      { [VERSIONING]: versioning(model, modelVersion, 'v2'), [PROMPT]: PROMPT_V2 },
      'prompt v2',
      '2026-11-20T09:00:00Z',
    );
  } else if (scenario === 'model') {
    headSha = await commit(
      {
        [VERSIONING]: versioning('gemini-2.0-flash', '2.0', 'v1'),
        [CLASSIFIER]: classifier('gemini-2.0-flash'),
      },
      'model gemini-2.0-flash',
      '2026-11-20T09:00:00Z',
    );
  } else {
    headSha = await commit(
      {
        [VERSIONING]: versioning('gemini-2.0-flash', '2.0', 'v2'),
        [PROMPT]: PROMPT_V2,
        'shopq/app.py': 'print("new pipeline")\n',
        'README.md': null,
      },
      'model 2.0, prompt v2 and a new pipeline',
      '2026-11-20T09:00:00Z',
    );
  }
  return { dir, stableSha, headSha, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Commits by someone else straight onto a branch of a (bare or non-bare) repository. */
export async function commitAsSomeoneElse(
  dir: string,
  branch: string,
  files: Record<string, string>,
  message: string,
): Promise<string> {
  const parent = await gitText(dir, ['rev-parse', `refs/heads/${branch}`]);
  const scratch = await mkdtemp(join(tmpdir(), 'someone-else-'));
  try {
    const env = { ...IDENTITY, GIT_INDEX_FILE: join(scratch, 'index') };
    await runGit(dir, ['read-tree', parent], { env });
    for (const [path, content] of Object.entries(files)) {
      const blob = await gitText(dir, ['hash-object', '-w', '--stdin'], { input: content });
      await runGit(dir, ['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], { env });
    }
    const tree = await gitText(dir, ['write-tree'], { env });
    const commit = await gitText(dir, ['commit-tree', '--no-gpg-sign', tree, '-p', parent, '-m', message], {
      env,
    });
    await runGit(dir, ['update-ref', `refs/heads/${branch}`, commit, parent]);
    return commit;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Commits on `branch` whose message has the incident trailer (what "exactly one" counts). */
export async function countIncidentCommits(dir: string, branch: string, incidentId: string): Promise<number> {
  // Anchored to the whole line so inc-1 does not count inc-10's commits.
  const pattern = `^Rollback-Incident: ${incidentId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  const out = await gitText(dir, ['log', '--format=%H', '-E', `--grep=${pattern}`, `refs/heads/${branch}`]);
  return out === '' ? 0 : out.split('\n').length;
}

export async function showFile(dir: string, ref: string, path: string): Promise<Buffer> {
  return (await runGit(dir, ['cat-file', 'blob', `${ref}:${path}`])).stdout;
}

/** Every ref and what it points to: "nothing changed" means this is identical. */
export async function refsSnapshot(dir: string): Promise<string> {
  return gitText(dir, ['for-each-ref', '--format=%(refname) %(objectname)']);
}
