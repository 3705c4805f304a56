/**
 * The revert under retries, races and partial failures (issue 5). GitHub faults are injected
 * by the fake server, which keeps a real Git repository behind the API, so "exactly one
 * commit" is counted with `git log` in the repository itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gitText } from '../../functions/adapters/git-cli.ts';
import { GitHubRepo, type GitHubRepoOptions } from '../../functions/adapters/github-repo.ts';
import { LocalGitRepo } from '../../functions/adapters/local-git-repo.ts';
import {
  RateLimitedError,
  RepositoryAccessError,
  RevertContentionError,
} from '../../functions/core/revert/errors.ts';
import { executeRevert, type RevertRequest, type RevertResult } from '../../functions/core/revert/execute.ts';
import {
  type Fault,
  LocalGitHubServer,
  type RequestRecord,
  type Route,
} from '../../functions/local/github-server.ts';
import type { CommitFilesRequest, SourceRepository } from '../../functions/ports.ts';
import {
  commitAsSomeoneElse,
  countIncidentCommits,
  createShopqRepo,
  PROMPT,
  refsSnapshot,
  type ShopqRepo,
  STABLE_TAG,
  showFile,
  VERSIONING,
} from '../support/shopq-repo.ts';

const NOW = new Date('2026-11-27T10:15:00Z');
const silentLog = { debug() {}, info() {}, warn() {}, error() {} };
const request = (incidentId: string, extra: Partial<RevertRequest> = {}): RevertRequest => ({
  incidentId,
  triggerIds: ['otp_in_critical'],
  reason: 'OTP in critical',
  targetRef: STABLE_TAG,
  ...extra,
});

const PATCH_REF: Route = 'PATCH /repos/{owner}/{repo}/git/refs/{ref}';
const CREATE_COMMIT: Route = 'POST /repos/{owner}/{repo}/git/commits';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function onFakeGitHub(faults: Fault[] = [], options: Partial<GitHubRepoOptions> = {}) {
  const fixture = await createShopqRepo('prompt');
  cleanups.push(fixture.cleanup);
  const server = await LocalGitHubServer.fromRepository(fixture.dir);
  cleanups.push(() => server.stop());
  for (const fault of faults) server.inject(fault);
  const repo = new GitHubRepo({
    owner: server.owner,
    repo: server.repo,
    token: server.token,
    baseUrl: server.baseUrl,
    log: silentLog,
    ...options,
  });
  return { fixture, server, repo };
}

/** The request right after the faulted one on the same route: the retry. */
function retryOf(
  server: LocalGitHubServer,
  route: Route,
  faultedStatus: number,
): [RequestRecord, RequestRecord] {
  const records = server.log.filter((record) => record.route === route);
  const index = records.findIndex((record) => record.status === faultedStatus);
  const faulted = records[index];
  const retried = records[index + 1];
  if (faulted === undefined || retried === undefined)
    throw new Error(`no retry of ${route} after ${faultedStatus}`);
  expect(retried.path).toBe(faulted.path);
  return [faulted, retried];
}

async function expectOneRollbackOnMain(
  gitDir: string,
  incidentId: string,
  result: RevertResult,
  fixture: ShopqRepo,
) {
  expect(await countIncidentCommits(gitDir, 'main', incidentId)).toBe(1);
  if (result.outcome !== 'committed' && result.outcome !== 'already-done') throw new Error(result.outcome);
  expect(await gitText(gitDir, ['rev-parse', 'refs/heads/main'])).toBe(result.commit.sha);
  expect(await showFile(gitDir, result.commit.sha, PROMPT)).toEqual(
    await showFile(gitDir, fixture.stableSha, PROMPT),
  );
}

describe('branch moved between read and update', () => {
  it('GitHub: 422 "not a fast forward" → re-read and re-applied on the new head, one rollback commit', async () => {
    const { fixture, server, repo } = await onFakeGitHub();
    let otherCommit = '';
    server.inject({
      route: PATCH_REF,
      kind: {
        type: 'before',
        // Someone else pushes to main after the adapter read the head and built its commit.
        run: async () => {
          const log = (await showFile(server.gitDir, 'refs/heads/main', 'VERSIONS.md')).toString();
          otherCommit = await commitAsSomeoneElse(
            server.gitDir,
            'main',
            { 'VERSIONS.md': `${log}- note by someone else\n` },
            'docs',
          );
        },
      },
    });
    const result = await executeRevert(repo, request('inc-move'), NOW);
    expect(result.outcome).toBe('committed');
    if (result.outcome !== 'committed') return;
    expect(result.attempts).toBe(2);
    expect(server.log.filter((r) => r.route === PATCH_REF).map((r) => r.status)).toEqual([422, 200]);
    await expectOneRollbackOnMain(server.gitDir, 'inc-move', result, fixture);
    // Built on the other writer's commit, keeping their change.
    expect(await gitText(server.gitDir, ['rev-parse', `${result.commit.sha}^`])).toBe(otherCommit);
    const log = (await showFile(server.gitDir, result.commit.sha, 'VERSIONS.md')).toString();
    expect(log).toContain('- note by someone else\n- 2026-11-27T10:15Z rollback inc-move');
  });

  it('LocalGitRepo: a head moved after planning → BranchMovedError → re-applied on the new head', async () => {
    const fixture = await createShopqRepo('prompt');
    cleanups.push(fixture.cleanup);
    // The other writer's plumbing commit leaves the checkout behind, so the adapter warns.
    const warnings: string[] = [];
    const inner = new LocalGitRepo(fixture.dir, { onWarning: (message) => warnings.push(message) });
    let moved = '';
    // Moves main once, after executeRevert read and planned, before the adapter commits.
    const racing: SourceRepository = Object.assign(Object.create(inner) as LocalGitRepo, {
      async commitFiles(change: CommitFilesRequest) {
        if (moved === '') {
          moved = await commitAsSomeoneElse(
            fixture.dir,
            'main',
            { 'VERSIONS.md': '# Versions\n\nrewritten by someone\n' },
            'docs',
          );
        }
        return inner.commitFiles(change);
      },
    });
    const result = await executeRevert(racing, request('inc-move-local'), NOW);
    expect(result.outcome === 'committed' && result.attempts).toBe(2);
    await expectOneRollbackOnMain(fixture.dir, 'inc-move-local', result, fixture);
    if (result.outcome !== 'committed') return;
    expect(await gitText(fixture.dir, ['rev-parse', `${result.commit.sha}^`])).toBe(moved);
    expect(warnings).toHaveLength(1);
  });
});

describe('response lost after the ref was updated', () => {
  it.each([
    ['the connection is dropped', { type: 'drop-after' } as const, -1],
    ['the answer is a 502', { type: 'fail-after', status: 502 } as const, 502],
  ])('%s: the trailer check finds our commit, no second commit', async (_name, kind, recordedStatus) => {
    const { fixture, server, repo } = await onFakeGitHub([{ route: PATCH_REF, kind }]);
    const result = await executeRevert(repo, request('inc-lost'), NOW);
    // Reported as this invocation's own commit, found by its trailer on the next attempt.
    expect(result.outcome).toBe('committed');
    expect(result.alreadyDone).toBe(false);
    expect(server.log.filter((r) => r.route === PATCH_REF).map((r) => r.status)).toEqual([recordedStatus]);
    expect(server.count(CREATE_COMMIT)).toBe(1);
    await expectOneRollbackOnMain(server.gitDir, 'inc-lost', result, fixture);
  });

  it('a re-driven step after the invocation gave up returns the same commit, alreadyDone', async () => {
    const { fixture, server, repo } = await onFakeGitHub([
      { route: PATCH_REF, kind: { type: 'drop-after' } },
    ]);
    // One attempt only: the workflow's task fails and Step Functions re-drives it.
    await expect(executeRevert(repo, request('inc-redrive', { maxAttempts: 1 }), NOW)).rejects.toBeInstanceOf(
      RevertContentionError,
    );
    const landed = await gitText(server.gitDir, ['rev-parse', 'refs/heads/main']);
    const again = await executeRevert(repo, request('inc-redrive'), NOW);
    expect(again.outcome).toBe('already-done');
    if (again.outcome !== 'already-done') return;
    expect(again.commit.sha).toBe(landed);
    expect(server.count(PATCH_REF)).toBe(1);
    await expectOneRollbackOnMain(server.gitDir, 'inc-redrive', again, fixture);
  });
});

describe('transient 409/5xx', () => {
  it.each([
    ['GET ref 502', 'GET /repos/{owner}/{repo}/git/ref/{ref}', 502],
    ['GET tree 500', 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}', 500],
    ['list commits 503', 'GET /repos/{owner}/{repo}/commits', 503],
    ['create tree 409 (content-addressed, safe to repeat)', 'POST /repos/{owner}/{repo}/git/trees', 409],
  ] as const)('%s: retried by the client once, then the revert completes', async (_name, route, status) => {
    const { fixture, server, repo } = await onFakeGitHub([{ route, kind: { type: 'fail', status } }]);
    const result = await executeRevert(repo, request('inc-5xx'), NOW);
    expect(result.outcome).toBe('committed');
    const [, retried] = retryOf(server, route, status);
    // The repeat got the real answer (a 404 is real too: the rollback branch does not exist yet).
    expect(retried.status).not.toBe(status);
    expect(server.log.filter((record) => record.route === route && record.status === status)).toHaveLength(1);
    await expectOneRollbackOnMain(server.gitDir, 'inc-5xx', result, fixture);
  });

  // Text goes inline in the tree; only bytes that are not UTF-8 need a blob of their own.
  it('create blob 500 (content-addressed, safe to repeat): retried by the client once, then the commit lands', async () => {
    const route = 'POST /repos/{owner}/{repo}/git/blobs';
    const { server, repo } = await onFakeGitHub([{ route, kind: { type: 'fail', status: 500 } }]);
    const binary = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x01]);
    const head = await repo.resolveRef('refs/heads/main');
    const commit = await repo.commitFiles({
      branch: 'main',
      expectedHead: head ?? undefined,
      message: 'binary asset',
      changes: [{ path: 'assets/logo.bin', content: binary }],
    });
    const [, retried] = retryOf(server, route, 500);
    expect(retried.status).toBe(201);
    expect(await repo.readFile(commit.sha, 'assets/logo.bin')).toEqual(binary);
  });

  it('ref update 500 (not applied): not retried blindly by the client; executeRevert re-checks and re-applies', async () => {
    const { fixture, server, repo } = await onFakeGitHub([
      { route: PATCH_REF, kind: { type: 'fail', status: 500 } },
    ]);
    const result = await executeRevert(repo, request('inc-500'), NOW);
    expect(result.outcome).toBe('committed');
    if (result.outcome !== 'committed') return;
    expect(result.attempts).toBe(2);
    expect(server.log.filter((r) => r.route === PATCH_REF).map((r) => r.status)).toEqual([500, 200]);
    // Between the two updates the trailer was looked for again.
    const patches = server.log.flatMap((record, index) => (record.route === PATCH_REF ? [index] : []));
    const between = server.log.slice((patches[0] ?? 0) + 1, patches[1]);
    expect(between.some((record) => record.route === 'GET /repos/{owner}/{repo}/commits')).toBe(true);
    await expectOneRollbackOnMain(server.gitDir, 'inc-500', result, fixture);
  });

  it('commit creation 502: not retried by the client (not idempotent); the next attempt makes one commit', async () => {
    const { fixture, server, repo } = await onFakeGitHub([
      { route: CREATE_COMMIT, kind: { type: 'fail', status: 502 } },
    ]);
    const result = await executeRevert(repo, request('inc-502'), NOW);
    expect(server.log.filter((r) => r.route === CREATE_COMMIT).map((r) => r.status)).toEqual([502, 201]);
    await expectOneRollbackOnMain(server.gitDir, 'inc-502', result, fixture);
  });
});

describe('rate limits', () => {
  it('primary (403, x-ratelimit-remaining 0): waits for the reset, then succeeds', async () => {
    const route: Route = 'GET /repos/{owner}/{repo}';
    const { fixture, server, repo } = await onFakeGitHub([
      { route, kind: { type: 'primary-rate-limit', resetInSeconds: 1 } },
    ]);
    const result = await executeRevert(repo, request('inc-rl1'), NOW);
    const [faulted, retried] = retryOf(server, route, 403);
    expect(retried.at - faulted.at).toBeGreaterThanOrEqual(1000);
    expect(server.count(route)).toBe(2);
    await expectOneRollbackOnMain(server.gitDir, 'inc-rl1', result, fixture);
  });

  it.each([
    ['403', 403, 'GET /repos/{owner}/{repo}/git/ref/{ref}'],
    ['429', 429, 'POST /repos/{owner}/{repo}/git/trees'],
  ] as const)('secondary (%s with retry-after: 1): retry-after honoured', async (_name, status, route) => {
    const { fixture, server, repo } = await onFakeGitHub([
      { route, kind: { type: 'secondary-rate-limit', status, retryAfterSeconds: 1 } },
    ]);
    const result = await executeRevert(repo, request('inc-rl2'), NOW);
    const [faulted, retried] = retryOf(server, route, status);
    expect(retried.at - faulted.at).toBeGreaterThanOrEqual(1000);
    // Retried once by the throttling plugin, and not a second time by the retry plugin.
    expect(server.log.filter((r) => r.route === route && r.status === status)).toHaveLength(1);
    await expectOneRollbackOnMain(server.gitDir, 'inc-rl2', result, fixture);
  });

  it('a limit that does not lift: bounded waits, then RateLimitedError, nothing written', async () => {
    const route: Route = 'GET /repos/{owner}/{repo}';
    const { server, repo } = await onFakeGitHub(
      [
        {
          route,
          times: Number.POSITIVE_INFINITY,
          kind: { type: 'secondary-rate-limit', status: 403, retryAfterSeconds: 1 },
        },
      ],
      { maxRateLimitRetries: 2 },
    );
    const refs = await refsSnapshot(server.gitDir);
    await expect(executeRevert(repo, request('inc-rl3'), NOW)).rejects.toBeInstanceOf(RateLimitedError);
    expect(server.count(route)).toBe(3);
    expect(await refsSnapshot(server.gitDir)).toBe(refs);
  });
});

describe('401/403/404 fail fast', () => {
  it('401 bad credentials: RepositoryAccessError naming repo and status, one request, no retry', async () => {
    const { server, repo: _unused } = await onFakeGitHub();
    const repo = new GitHubRepo({
      owner: server.owner,
      repo: server.repo,
      token: 'wrong',
      baseUrl: server.baseUrl,
      log: silentLog,
    });
    const error = await executeRevert(repo, request('inc-401'), NOW).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RepositoryAccessError);
    expect((error as RepositoryAccessError).status).toBe(401);
    expect((error as Error).message).toContain('shopq/classifier');
    expect(server.log).toHaveLength(1);
  });

  it('403 (not a rate limit) on the ref update: RepositoryAccessError, not retried, no commit on main', async () => {
    const { fixture, server, repo } = await onFakeGitHub([
      {
        route: PATCH_REF,
        times: Number.POSITIVE_INFINITY,
        kind: { type: 'fail', status: 403, message: 'Resource not accessible by integration' },
      },
    ]);
    const error = await executeRevert(repo, request('inc-403'), NOW).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RepositoryAccessError);
    expect((error as RepositoryAccessError).status).toBe(403);
    expect((error as Error).message).toMatch(/shopq\/classifier.*403.*Resource not accessible/);
    expect(server.count(PATCH_REF)).toBe(1);
    expect(await gitText(server.gitDir, ['rev-parse', 'refs/heads/main'])).toBe(fixture.headSha);
  });

  it('403 on the first read: one request, no retry', async () => {
    const route: Route = 'GET /repos/{owner}/{repo}';
    const { server, repo } = await onFakeGitHub([
      { route, times: Number.POSITIVE_INFINITY, kind: { type: 'fail', status: 403, message: 'Forbidden' } },
    ]);
    await expect(executeRevert(repo, request('inc-403r'), NOW)).rejects.toBeInstanceOf(RepositoryAccessError);
    expect(server.log).toHaveLength(1);
  });

  it('404 unknown repository: one request, no retry', async () => {
    const { server } = await onFakeGitHub();
    const repo = new GitHubRepo({
      owner: server.owner,
      repo: 'no-such-repo',
      token: server.token,
      baseUrl: server.baseUrl,
      log: silentLog,
    });
    const error = await executeRevert(repo, request('inc-404'), NOW).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RepositoryAccessError);
    expect((error as RepositoryAccessError).status).toBe(404);
    expect((error as Error).message).toContain('shopq/no-such-repo');
    expect(server.log).toHaveLength(1);
  });
});

describe('100 concurrent invocations for one incident', () => {
  it('LocalGitRepo: exactly one commit carries the trailer; everyone reports it', async () => {
    const fixture = await createShopqRepo('prompt');
    cleanups.push(fixture.cleanup);
    // One adapter instance, no in-process lock: the update-ref compare-and-swap is the guarantee.
    const repo = new LocalGitRepo(fixture.dir, { onWarning: () => {} });
    const results = await Promise.all(
      Array.from({ length: 100 }, () => executeRevert(repo, request('inc-100', { maxAttempts: 10 }), NOW)),
    );
    expect(await countIncidentCommits(fixture.dir, 'main', 'inc-100')).toBe(1);
    const head = await gitText(fixture.dir, ['rev-parse', 'refs/heads/main']);
    expect(await gitText(fixture.dir, ['rev-parse', `${head}^`])).toBe(fixture.headSha);
    const committed = results.filter((result) => result.outcome === 'committed');
    expect(committed).toHaveLength(1);
    expect(results.filter((result) => result.outcome === 'already-done')).toHaveLength(99);
    for (const result of results) {
      if (result.outcome === 'committed' || result.outcome === 'already-done')
        expect(result.commit.sha).toBe(head);
    }
    // The race really happened: some invocations lost a compare-and-swap and went round again.
    expect(results.some((result) => 'attempts' in result && result.attempts > 1)).toBe(true);
    expect((await showFile(fixture.dir, head, VERSIONING)).toString()).toContain('PROMPT_VERSION = "v1"');
  });
});
