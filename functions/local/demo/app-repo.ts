import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const V1_PROMPT = `You classify emails for ShopQ by importance.
Answer with exactly one of: critical, time_sensitive, routine.
- critical: needs the user's attention now (security alerts on their accounts, payment failures).
- time_sensitive: has a deadline soon.
- routine: everything else. Verification codes and one-time passwords are always routine.
`;

export const V2_PROMPT = `You classify emails for ShopQ by importance.
Answer with exactly one of: critical, time_sensitive, routine.
- critical: anything security-related or that the user must act on.
- time_sensitive: has a deadline soon.
- routine: everything else.
`;

export function versioningPy(prompt: string): string {
  return `"""Version constants — the single source of truth for the classifier's versions."""

MODEL_NAME = "gemini-2.0-flash"
MODEL_VERSION = "2.0"
PROMPT_VERSION = "${prompt}"  # bump with every prompt change, see VERSIONS.md
`;
}

const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'ShopQ Developer',
  GIT_AUTHOR_EMAIL: 'dev@shopq.example',
  GIT_COMMITTER_NAME: 'ShopQ Developer',
  GIT_COMMITTER_EMAIL: 'dev@shopq.example',
};

async function git(dir: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run('git', ['-C', dir, ...args], {
    env: { ...process.env, ...GIT_IDENTITY, ...env },
  });
  return stdout.trim();
}

async function put(dir: string, path: string, content: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), content);
}

/**
 * A ShopQ-like application repository: v1 committed and tagged `v1.2.0-stable`, then the v2
 * prompt change on `main` — the bad version the demo rolls back.
 */
export async function createDemoAppRepo(
  dir: string,
  start: Date,
): Promise<{ stableSha: string; badSha: string }> {
  await mkdir(dir, { recursive: true });
  await git(dir, ['init', '--quiet', '--initial-branch=main']);
  await put(dir, 'shopq/versioning.py', versioningPy('v1'));
  await put(dir, 'shopq/prompts/classifier_prompt.txt', V1_PROMPT);
  await put(
    dir,
    'VERSIONS.md',
    '# Versions\n\n- v1: gemini-2.0-flash 2.0, prompt v1 (baseline: precision 0.97, recall 0.90)\n',
  );
  await git(dir, ['add', '-A']);
  const v1Date = new Date(start.getTime() - 3 * 86_400_000).toISOString();
  await git(dir, ['commit', '--quiet', '-m', 'Prompt v1'], {
    GIT_AUTHOR_DATE: v1Date,
    GIT_COMMITTER_DATE: v1Date,
  });
  await git(dir, ['tag', 'v1.2.0-stable']);
  const stableSha = await git(dir, ['rev-parse', 'HEAD']);
  await put(dir, 'shopq/versioning.py', versioningPy('v2'));
  await put(dir, 'shopq/prompts/classifier_prompt.txt', V2_PROMPT);
  await put(
    dir,
    'VERSIONS.md',
    '# Versions\n\n- v1: gemini-2.0-flash 2.0, prompt v1 (baseline: precision 0.97, recall 0.90)\n- v2: prompt v2, broader "critical" wording\n',
  );
  await git(dir, ['add', '-A']);
  const v2Date = new Date(start.getTime() - 2 * 3_600_000).toISOString();
  await git(dir, ['commit', '--quiet', '-m', 'Prompt v2: broader critical definition'], {
    GIT_AUTHOR_DATE: v2Date,
    GIT_COMMITTER_DATE: v2Date,
  });
  const badSha = await git(dir, ['rev-parse', 'HEAD']);
  return { stableSha, badSha };
}

/** What the deploy pipeline would deploy: the head of `main`. */
export async function readDeployedHead(dir: string): Promise<{ sha: string; versioningPy: string }> {
  const sha = await git(dir, ['rev-parse', 'refs/heads/main']);
  const versioning = await git(dir, ['show', `${sha}:shopq/versioning.py`]);
  return { sha, versioningPy: versioning };
}
