import { describe, expect, it } from 'vitest';
import { GitHubRepo } from '../../functions/adapters/github-repo.ts';
import { judgeRequiredChecks } from '../../functions/core/validation/required-checks.ts';
import { LocalGitHubServer } from '../../functions/local/github-server.ts';
import { createShopqRepo } from '../support/shopq-repo.ts';
import { sourceRepositoryContract } from './source-repository.contract.ts';

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

function gitHubRepoOn(server: LocalGitHubServer, token = server.token): GitHubRepo {
  return new GitHubRepo({
    owner: server.owner,
    repo: server.repo,
    token,
    baseUrl: server.baseUrl,
    log: silentLog,
  });
}

sourceRepositoryContract({
  name: 'GitHubRepo (fake GitHub server on a real Git repository)',
  pullRequests: true,
  async open(scenario) {
    const fixture = await createShopqRepo(scenario);
    const server = await LocalGitHubServer.fromRepository(fixture.dir);
    return {
      repo: gitHubRepoOn(server),
      gitDir: server.gitDir,
      fixture,
      async close() {
        // Every request must have been one the fake implements (and so, one GitHub has).
        expect(server.unknownRequests()).toEqual([]);
        await server.stop();
        await fixture.cleanup();
      },
    };
  },
});

describe('GitHubRepo commit checks', () => {
  it('combines check runs and statuses; no statuses at all is "none", not success', async () => {
    const fixture = await createShopqRepo('prompt');
    const server = await LocalGitHubServer.fromRepository(fixture.dir);
    try {
      const repo = gitHubRepoOn(server);
      const sha = fixture.headSha;
      expect(await repo.commitChecks(sha)).toBe('none');
      server.statuses.set(sha, [{ state: 'pending' }]);
      expect(await repo.commitChecks(sha)).toBe('pending');
      server.statuses.set(sha, [{ state: 'success' }]);
      expect(await repo.commitChecks(sha)).toBe('success');
      server.checkRuns.set(sha, [{ status: 'in_progress', conclusion: null }]);
      expect(await repo.commitChecks(sha)).toBe('pending');
      server.checkRuns.set(sha, [{ status: 'completed', conclusion: 'failure' }]);
      expect(await repo.commitChecks(sha)).toBe('failure');
      server.statuses.delete(sha);
      server.checkRuns.set(sha, [
        { status: 'completed', conclusion: 'success' },
        { status: 'completed', conclusion: 'skipped' },
      ]);
      expect(await repo.commitChecks(sha)).toBe('success');
    } finally {
      await server.stop();
      await fixture.cleanup();
    }
  });
});

describe('GitHubRepo check runs by name (policy validation.requiredChecks)', () => {
  it('lists the latest run per name; a required check that passed counts, a failed one is named', async () => {
    const fixture = await createShopqRepo('prompt');
    const server = await LocalGitHubServer.fromRepository(fixture.dir);
    try {
      const repo = gitHubRepoOn(server);
      const sha = fixture.headSha;
      expect(await repo.checkRuns(sha)).toEqual([]);
      expect(judgeRequiredChecks(await repo.checkRuns(sha), ['ci/test']).missing).toEqual(['ci/test']);
      server.checkRuns.set(sha, [
        { name: 'ci/test', status: 'completed', conclusion: 'success' },
        { name: 'ci/lint', status: 'in_progress', conclusion: null },
      ]);
      expect(await repo.checkRuns(sha)).toEqual([
        { name: 'ci/test', status: 'completed', conclusion: 'success' },
        { name: 'ci/lint', status: 'in_progress', conclusion: null },
      ]);
      expect(judgeRequiredChecks(await repo.checkRuns(sha), ['ci/test']).state).toBe('success');
      server.checkRuns.set(sha, [{ name: 'ci/test', status: 'completed', conclusion: 'failure' }]);
      expect(judgeRequiredChecks(await repo.checkRuns(sha), ['ci/test'])).toMatchObject({
        state: 'failure',
        failed: [{ name: 'ci/test', conclusion: 'failure' }],
      });
      expect(server.unknownRequests()).toEqual([]);
    } finally {
      await server.stop();
      await fixture.cleanup();
    }
  });
});

describe('GitHubRepo writes', () => {
  it('sends text inline in the tree (no blob request), byte for byte: BOM, CRLF, non-ASCII; other bytes as a blob', async () => {
    const fixture = await createShopqRepo('prompt');
    const server = await LocalGitHubServer.fromRepository(fixture.dir);
    try {
      const repo = gitHubRepoOn(server);
      const text = new TextEncoder().encode('\uFEFFRéponds en français\r\nline two — ok\n');
      const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]); // "café\n" in Latin-1: not UTF-8
      const commit = await repo.commitFiles({
        branch: 'main',
        expectedHead: fixture.headSha,
        message: 'text and bytes',
        changes: [
          { path: 'prompts/inline.txt', content: text },
          { path: 'prompts/latin1.txt', content: latin1 },
        ],
      });
      const blobPosts = server.log.filter(
        (record) => record.route === 'POST /repos/{owner}/{repo}/git/blobs',
      );
      expect(blobPosts).toHaveLength(1);
      expect(await repo.readFile(commit.sha, 'prompts/inline.txt')).toEqual(text);
      expect(await repo.readFile(commit.sha, 'prompts/latin1.txt')).toEqual(latin1);
    } finally {
      await server.stop();
      await fixture.cleanup();
    }
  });
});
