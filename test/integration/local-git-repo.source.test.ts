import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitText } from '../../functions/adapters/git-cli.ts';
import { LocalGitRepo } from '../../functions/adapters/local-git-repo.ts';
import { UnexpectedHeadVersionError } from '../../functions/core/revert/errors.ts';
import { executeRevert } from '../../functions/core/revert/execute.ts';
import {
  countIncidentCommits,
  createShopqRepo,
  PROMPT,
  PROMPT_V1,
  refsSnapshot,
} from '../support/shopq-repo.ts';
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
      expect(await readFile(join(fixture.dir, 'README.md'), 'utf8')).toBe('local edit\n');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/local changes/);
    } finally {
      await fixture.cleanup();
    }
  });
});

describe('executeRevert options (on LocalGitRepo)', () => {
  it('procedure C with full: direct commits the stable tree straight onto main', async () => {
    const fixture = await createShopqRepo('full');
    try {
      const result = await executeRevert(
        new LocalGitRepo(fixture.dir),
        request('inc-CD', { full: 'direct' }),
        NOW,
      );
      expect(result.outcome === 'committed' && result.procedure).toBe('C');
      expect(result.outcome === 'committed' && result.branch).toBe('main');
      expect(await gitText(fixture.dir, ['diff', '--name-only', fixture.stableSha, 'refs/heads/main'])).toBe(
        'VERSIONS.md',
      );
      expect(await gitText(fixture.dir, ['branch', '--list', 'rollback/*'])).toBe('');
      expect(await countIncidentCommits(fixture.dir, 'main', 'inc-CD')).toBe(1);
    } finally {
      await fixture.cleanup();
    }
  });

  it('refuses when the head runs neither the bad version nor the target (someone changed it)', async () => {
    const fixture = await createShopqRepo('prompt');
    try {
      const refs = await refsSnapshot(fixture.dir);
      const badVersion = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v3' };
      await expect(
        executeRevert(new LocalGitRepo(fixture.dir), request('inc-X', { badVersion }), NOW),
      ).rejects.toBeInstanceOf(UnexpectedHeadVersionError);
      expect(await refsSnapshot(fixture.dir)).toBe(refs);
    } finally {
      await fixture.cleanup();
    }
  });

  it('reports nothing to revert when the head already runs the target version', async () => {
    const fixture = await createShopqRepo('prompt');
    try {
      const refs = await refsSnapshot(fixture.dir);
      const result = await executeRevert(
        new LocalGitRepo(fixture.dir),
        request('inc-N', { targetRef: 'main' }),
        NOW,
      );
      expect(result.outcome).toBe('nothing-to-revert');
      expect(await refsSnapshot(fixture.dir)).toBe(refs);
    } finally {
      await fixture.cleanup();
    }
  });
});
