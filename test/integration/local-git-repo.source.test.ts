import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitText } from '../../functions/adapters/git-cli.ts';
import { LocalGitRepo } from '../../functions/adapters/local-git-repo.ts';
import { executeRevert } from '../../functions/core/revert/execute.ts';
import { createShopqRepo, PROMPT, PROMPT_V1 } from '../support/shopq-repo.ts';
import { NOW, request, sourceRepositoryContract } from './source-repository.contract.ts';

sourceRepositoryContract({
  name: 'LocalGitRepo',
  pullRequests: false,
  async open(scenario) {
    const fixture = await createShopqRepo(scenario);
    return { repo: new LocalGitRepo(fixture.dir), gitDir: fixture.dir, fixture, close: fixture.cleanup };
  },
});

describe('LocalGitRepo work tree', () => {
  it('brings a clean checked-out work tree up to the rollback commit', async () => {
    const fixture = await createShopqRepo('prompt');
    try {
      const result = await executeRevert(new LocalGitRepo(fixture.dir), request('inc-W'), NOW);
      expect(result.outcome).toBe('committed');
      const { readFile } = await import('node:fs/promises');
      expect(await readFile(join(fixture.dir, PROMPT), 'utf8')).toBe(PROMPT_V1);
      expect(await gitText(fixture.dir, ['status', '--porcelain'])).toBe('');
    } finally {
      await fixture.cleanup();
    }
  });

  it('leaves a dirty work tree alone, says so, and still moves the branch', async () => {
    const fixture = await createShopqRepo('prompt');
    try {
      await writeFile(join(fixture.dir, 'README.md'), 'local edit\n');
      const warnings: string[] = [];
      const repo = new LocalGitRepo(fixture.dir, { onWarning: (message) => warnings.push(message) });
      const result = await executeRevert(repo, request('inc-W2'), NOW);
      expect(result.outcome).toBe('committed');
      if (result.outcome !== 'committed') return;
      expect(await gitText(fixture.dir, ['rev-parse', 'refs/heads/main'])).toBe(result.commit.sha);
      const { readFile } = await import('node:fs/promises');
      expect(await readFile(join(fixture.dir, 'README.md'), 'utf8')).toBe('local edit\n');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/local changes/);
    } finally {
      await fixture.cleanup();
    }
  });
});
