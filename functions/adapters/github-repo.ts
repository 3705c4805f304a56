/**
 * SourceRepository on the GitHub REST API (Octokit with the retry and throttling plugins),
 * using the Git Data API: read ref → read commit/tree/blobs → create blobs/tree/commit →
 * update ref with `force: false`.
 *
 * Which requests may be retried automatically:
 * - reads, and blob/tree creation (content-addressed: a repeat yields the same object), are
 *   retried by plugin-retry on 5xx/409/network errors;
 * - commit creation, ref creation and update, and pull request creation are sent with
 *   `request.retries: 0`. A failure there surfaces as TransientRepositoryError with
 *   `outcomeUnknown`, and executeRevert looks for the incident trailer before writing again —
 *   so a response lost after the ref moved never produces a second commit.
 * - rate limits (primary: 403 + x-ratelimit-remaining 0; secondary: 403/429 with retry-after)
 *   are waited out by plugin-throttling a bounded number of times, then RateLimitedError;
 * - 401/403/404 are not retried at all: RepositoryAccessError names the repository and status.
 *
 * GitHub's `force: false` accepts only fast-forwards; the new commit's parent is the head we
 * read, so any other writer's push in between makes the update fail (422 "Update is not a
 * fast forward" → BranchMovedError): it acts as the compare-and-swap.
 */
import { createHash } from 'node:crypto';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type BottleneckApi from 'bottleneck';
// @ts-expect-error The light build (no Redis clustering, what plugin-throttling bundles) ships no types of its own.
import BottleneckLight from 'bottleneck/light.js';
import { BranchMovedError, RefNotFoundError, RepositoryError } from '../core/revert/errors.ts';
import { isStableTagName, newestFirst } from '../core/revert/stable-tags.ts';
import { hasTrailer } from '../core/revert/trailers.ts';
import type {
  CheckRun,
  CommitChecksState,
  CommitFilesRequest,
  CommitRef,
  FoundCommit,
  PullRequestRef,
  PullRequestRequest,
  SourceRepository,
  StableTag,
} from '../ports.ts';
import { httpFailure, mapGitHubError } from './github-errors.ts';

const SentinelOctokit = Octokit.plugin(retry, throttling);

/**
 * Mutating requests: GitHub asks for about one a second when there are many. plugin-throttling's
 * default spaces every write a full second, which made a rollback's four writes cost three seconds
 * of waiting. A token bucket keeps the same sustained rate (one a second) and lets the handful of
 * writes one rollback makes go at once; secondary rate limits are still honoured (retry-after).
 */
const Bottleneck = BottleneckLight as typeof BottleneckApi;
const WRITE_BURST = 5;
const writeLimiter = new Bottleneck.Group({
  id: 'rollback-sentinel-write',
  maxConcurrent: 1,
  reservoir: WRITE_BURST,
  reservoirIncreaseInterval: 1_000,
  reservoirIncreaseAmount: 1,
  reservoirIncreaseMaximum: WRITE_BURST,
});

export interface GitHubRepoOptions {
  owner: string;
  repo: string;
  /** Read from Secrets Manager by the caller; never logged. */
  token: string;
  /** `https://api.github.com` by default; GitHub Enterprise: `https://HOST/api/v3`. */
  baseUrl?: string;
  userAgent?: string;
  /** Automatic retries of idempotent requests on 5xx/409/network errors (default 3). */
  retries?: number;
  /** Rate-limit waits per request before RateLimitedError (default 2). */
  maxRateLimitRetries?: number;
  /** Longest single rate-limit wait honoured, in seconds (default 120): a Lambda must not sleep for an hour. */
  maxRateLimitWaitSeconds?: number;
  /** Octokit's logger; default: warnings and errors to the console. */
  log?: {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
  };
}

interface TreeEntry {
  mode: string;
  type: string;
  sha: string;
}

/** One createTree entry: an existing blob, inline text, or (sha null) a deletion. */
type TreeChange = { path: string; mode: '100644'; type: 'blob' } & (
  | { sha: string | null }
  | { content: string }
);

// Statuses plugin-retry must leave alone: 401/403/404 fail fast, 422 is an answer, and
// 429 belongs to plugin-throttling, which honours retry-after.
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];
const NO_RETRY = { request: { retries: 0 } };
const FAILED_CONCLUSIONS = new Set([
  'failure',
  'cancelled',
  'timed_out',
  'action_required',
  'startup_failure',
  'stale',
]);

export class GitHubRepo implements SourceRepository {
  readonly description: string;
  private readonly octokit: InstanceType<typeof SentinelOctokit>;
  private readonly owner: string;
  private readonly repo: string;
  private defaultBranchName: string | undefined;
  // Commits, trees and blobs are immutable: cache them by sha for the life of the adapter.
  // Promises, so that concurrent reads of one object make one request.
  private readonly commits = new Map<string, Promise<{ tree: string; message: string }>>();
  private readonly trees = new Map<string, Promise<Map<string, TreeEntry>>>();
  private readonly blobs = new Map<string, Promise<Uint8Array>>();
  private readonly knownBlobs = new Set<string>();

  constructor(options: GitHubRepoOptions) {
    this.owner = options.owner;
    this.repo = options.repo;
    this.description = `${options.owner}/${options.repo}`;
    const maxRateLimitRetries = options.maxRateLimitRetries ?? 2;
    const maxWait = options.maxRateLimitWaitSeconds ?? 120;
    const onLimit = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number): boolean =>
      retryCount < maxRateLimitRetries && retryAfter <= maxWait;
    this.octokit = new SentinelOctokit({
      auth: options.token,
      baseUrl: options.baseUrl ?? 'https://api.github.com',
      userAgent: options.userAgent ?? 'rollback-sentinel',
      ...(options.log === undefined ? {} : { log: options.log }),
      retry: { doNotRetry: DO_NOT_RETRY, retries: options.retries ?? 3 },
      throttle: {
        // One limiter group per repository, shared by every adapter on it in this process.
        id: `rollback-sentinel:${options.baseUrl ?? 'github.com'}:${this.description}`,
        onRateLimit: onLimit,
        onSecondaryRateLimit: onLimit,
        write: writeLimiter,
      },
    });
  }

  async defaultBranch(): Promise<string> {
    if (this.defaultBranchName === undefined) {
      const { data } = await this.call('read repository', () =>
        this.octokit.rest.repos.get({ owner: this.owner, repo: this.repo }),
      );
      this.defaultBranchName = data.default_branch;
    }
    return this.defaultBranchName;
  }

  async resolveRef(ref: string): Promise<string | null> {
    if (/^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(ref)) {
      return (await this.commitIfExists(ref)) === null ? null : ref;
    }
    const candidates = ref.startsWith('refs/')
      ? [ref.slice('refs/'.length)]
      : [`heads/${ref}`, `tags/${ref}`];
    for (const candidate of candidates) {
      const sha = await this.refTarget(candidate);
      if (sha !== null) return sha;
    }
    return null;
  }

  async readFile(ref: string, path: string): Promise<Uint8Array | null> {
    const entry = (await this.treeOf(await this.mustResolve(ref))).get(path);
    if (entry === undefined) return null;
    if (entry.type !== 'blob')
      throw new RepositoryError(
        `${this.description}: ${path} at ${ref} is a ${entry.type}, not a file`,
        null,
      );
    return memoize(this.blobs, entry.sha, async () => {
      const { data } = await this.call(`read blob ${entry.sha}`, () =>
        this.octokit.rest.git.getBlob({ owner: this.owner, repo: this.repo, file_sha: entry.sha }),
      );
      return new Uint8Array(Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8'));
    });
  }

  async listStableTags(): Promise<StableTag[]> {
    const refs = await this.call('list tags', () =>
      this.octokit.paginate(this.octokit.rest.git.listMatchingRefs, {
        owner: this.owner,
        repo: this.repo,
        ref: 'tags/',
        per_page: 100,
      }),
    );
    const stable = refs
      .map((ref) => ({ name: ref.ref.replace(/^refs\/tags\//, ''), object: ref.object }))
      .filter(({ name }) => isStableTagName(name));
    const tags = await Promise.all(
      stable.map(async ({ name, object }): Promise<StableTag> => {
        const sha = await this.peel(object.type, object.sha);
        const { data } = await this.call(`read commit ${sha}`, () =>
          this.octokit.rest.git.getCommit({ owner: this.owner, repo: this.repo, commit_sha: sha }),
        );
        return { name, sha, committedAt: data.committer.date };
      }),
    );
    return newestFirst(tags);
  }

  /** Compares the two recursive trees: exact, and no 300-file limit as with the compare API. */
  async changedPaths(fromRef: string, toRef: string): Promise<string[]> {
    const from = await this.treeOf(await this.mustResolve(fromRef));
    const to = await this.treeOf(await this.mustResolve(toRef));
    const files = (tree: Map<string, TreeEntry>) => [...tree].filter(([, entry]) => entry.type !== 'tree');
    const changed = new Set<string>();
    for (const [path, entry] of files(from)) {
      const other = to.get(path);
      if (other === undefined || other.sha !== entry.sha || other.mode !== entry.mode) changed.add(path);
    }
    for (const [path] of files(to)) if (!from.has(path)) changed.add(path);
    return [...changed].sort();
  }

  async findCommitWithTrailer(
    branch: string,
    key: string,
    value: string,
    depth: number,
  ): Promise<FoundCommit | null> {
    let page = 1;
    let seen = 0;
    while (seen < depth) {
      const perPage = Math.min(100, depth - seen);
      const { data } = await this.call(`list commits of ${branch}`, () =>
        this.octokit.rest.repos.listCommits({
          owner: this.owner,
          repo: this.repo,
          sha: branch,
          per_page: perPage,
          page,
        }),
      );
      for (const commit of data) {
        if (hasTrailer(commit.commit.message, key, value)) {
          return { sha: commit.sha, url: commit.html_url, message: commit.commit.message };
        }
      }
      if (data.length < perPage) return null;
      seen += data.length;
      page += 1;
    }
    return null;
  }

  async commitFiles({ branch, expectedHead, message, changes }: CommitFilesRequest): Promise<CommitRef> {
    const parent = await this.refTarget(`heads/${branch}`);
    if (parent === null) throw new RefNotFoundError(this.description, `refs/heads/${branch}`);
    if (expectedHead !== undefined && parent !== expectedHead)
      throw new BranchMovedError(branch, expectedHead, parent);
    const { tree: baseTree } = await this.commit(parent);
    const existing = await this.treeOf(parent);
    const entries: TreeChange[] = [];
    for (const change of changes) {
      const mode = (existing.get(change.path)?.mode ?? '100644') as '100644';
      if (change.content === null) {
        // GitHub rejects deleting a path that is not there; it is already "deleted".
        if (existing.has(change.path)) entries.push({ path: change.path, mode, type: 'blob', sha: null });
      } else {
        entries.push({ path: change.path, mode, type: 'blob', ...(await this.blobFor(change.content)) });
      }
    }
    const { data: tree } = await this.call('create tree', () =>
      this.octokit.rest.git.createTree({
        owner: this.owner,
        repo: this.repo,
        base_tree: baseTree,
        tree: entries,
      }),
    );
    // Not retried automatically (not idempotent); a failure here has published nothing.
    const created = await this.call('create commit', () =>
      this.octokit.rest.git.createCommit({
        owner: this.owner,
        repo: this.repo,
        message,
        tree: tree.sha,
        parents: [parent],
        ...NO_RETRY,
      }),
    );
    const commit = created.data;
    try {
      await this.octokit.rest.git.updateRef({
        owner: this.owner,
        repo: this.repo,
        ref: `heads/${branch}`,
        sha: commit.sha,
        force: false,
        ...NO_RETRY,
      });
    } catch (error) {
      const failure = httpFailure(error);
      if (failure?.status === 422 && /fast.forward/i.test(failure.message)) {
        throw new BranchMovedError(branch, parent, null, { cause: error });
      }
      throw mapGitHubError(error, {
        repository: this.description,
        action: `update ref heads/${branch}`,
        write: true,
        commitSha: commit.sha,
      });
    }
    return { sha: commit.sha, url: commit.html_url };
  }

  async createBranch(name: string, fromSha: string): Promise<'created' | 'exists'> {
    try {
      await this.octokit.rest.git.createRef({
        owner: this.owner,
        repo: this.repo,
        ref: `refs/heads/${name}`,
        sha: fromSha,
        ...NO_RETRY,
      });
      return 'created';
    } catch (error) {
      const failure = httpFailure(error);
      if (failure?.status === 422 && /already exists/i.test(failure.message)) return 'exists';
      throw mapGitHubError(error, {
        repository: this.description,
        action: `create branch ${name}`,
        write: true,
      });
    }
  }

  /** Idempotent: returns the open pull request for the same head and base when there is one. */
  async openPullRequest({ head, base, title, body }: PullRequestRequest): Promise<PullRequestRef> {
    const open = await this.findPullRequest(head, base);
    if (open !== null) return open;
    try {
      const { data } = await this.octokit.rest.pulls.create({
        owner: this.owner,
        repo: this.repo,
        head,
        base,
        title,
        body,
        ...NO_RETRY,
      });
      return { number: data.number, url: data.html_url };
    } catch (error) {
      const failure = httpFailure(error);
      if (failure?.status === 422 && /already exists/i.test(failure.message)) {
        const raced = await this.findPullRequest(head, base);
        if (raced !== null) return raced;
      }
      throw mapGitHubError(error, {
        repository: this.description,
        action: `open pull request ${head} → ${base}`,
        write: true,
      });
    }
  }

  /**
   * Check runs and commit statuses together. A combined status of "pending" with no statuses
   * at all is GitHub's way of saying "none", and must not pass for success.
   */
  async commitChecks(sha: string): Promise<CommitChecksState> {
    const { data: runs } = await this.call(`list check runs of ${sha}`, () =>
      this.octokit.rest.checks.listForRef({ owner: this.owner, repo: this.repo, ref: sha, per_page: 100 }),
    );
    const { data: combined } = await this.call(`read status of ${sha}`, () =>
      this.octokit.rest.repos.getCombinedStatusForRef({ owner: this.owner, repo: this.repo, ref: sha }),
    );
    const states: CommitChecksState[] = runs.check_runs.map((run) => {
      if (run.status !== 'completed') return 'pending';
      return FAILED_CONCLUSIONS.has(run.conclusion ?? '') ? 'failure' : 'success';
    });
    if (combined.total_count > 0) {
      states.push(
        combined.state === 'success' ? 'success' : combined.state === 'pending' ? 'pending' : 'failure',
      );
    }
    if (states.length === 0) return 'none';
    if (states.includes('failure')) return 'failure';
    return states.includes('pending') ? 'pending' : 'success';
  }

  /** The latest check run per name (GitHub's `filter=latest`), every page. */
  async checkRuns(sha: string): Promise<CheckRun[]> {
    const runs = await this.call(`list check runs of ${sha}`, () =>
      this.octokit.paginate(this.octokit.rest.checks.listForRef, {
        owner: this.owner,
        repo: this.repo,
        ref: sha,
        filter: 'latest',
        per_page: 100,
      }),
    );
    return runs.map((run) => ({ name: run.name, status: run.status, conclusion: run.conclusion ?? null }));
  }

  private async findPullRequest(head: string, base: string): Promise<PullRequestRef | null> {
    const { data } = await this.call(`list pull requests of ${head}`, () =>
      this.octokit.rest.pulls.list({
        owner: this.owner,
        repo: this.repo,
        head: `${this.owner}:${head}`,
        base,
        state: 'open',
      }),
    );
    const first = data[0];
    return first === undefined ? null : { number: first.number, url: first.html_url };
  }

  private async mustResolve(ref: string): Promise<string> {
    const sha = await this.resolveRef(ref);
    if (sha === null) throw new RefNotFoundError(this.description, ref);
    return sha;
  }

  /** The commit a ref points to (tags peeled), or null when the ref does not exist. */
  private async refTarget(ref: string): Promise<string | null> {
    try {
      const { data } = await this.octokit.rest.git.getRef({ owner: this.owner, repo: this.repo, ref });
      return await this.peel(data.object.type, data.object.sha);
    } catch (error) {
      // The repository itself was reached before (defaultBranch), so 404 here is the ref.
      if (httpFailure(error)?.status === 404) return null;
      throw mapGitHubError(error, { repository: this.description, action: `read ref ${ref}` });
    }
  }

  private async peel(type: string, sha: string): Promise<string> {
    let current = { type, sha };
    while (current.type === 'tag') {
      const tagSha = current.sha;
      const { data } = await this.call(`read tag ${tagSha}`, () =>
        this.octokit.rest.git.getTag({ owner: this.owner, repo: this.repo, tag_sha: tagSha }),
      );
      current = { type: data.object.type, sha: data.object.sha };
    }
    if (current.type !== 'commit')
      throw new RepositoryError(`${this.description}: ${sha} is a ${current.type}, not a commit`, null);
    return current.sha;
  }

  private async commitIfExists(sha: string): Promise<{ tree: string; message: string } | null> {
    try {
      return await this.commit(sha);
    } catch (error) {
      const status =
        error instanceof Error && 'cause' in error ? httpFailure(error.cause)?.status : undefined;
      if (status === 404 || status === 422) return null;
      throw error;
    }
  }

  private commit(sha: string): Promise<{ tree: string; message: string }> {
    return memoize(this.commits, sha, async () => {
      const { data } = await this.call(`read commit ${sha}`, () =>
        this.octokit.rest.git.getCommit({ owner: this.owner, repo: this.repo, commit_sha: sha }),
      );
      return { tree: data.tree.sha, message: data.message };
    });
  }

  private async treeOf(commitSha: string): Promise<Map<string, TreeEntry>> {
    const { tree: treeSha } = await this.commit(commitSha);
    return memoize(this.trees, treeSha, () => this.readTree(treeSha));
  }

  private async readTree(treeSha: string): Promise<Map<string, TreeEntry>> {
    const { data } = await this.call(`read tree ${treeSha}`, () =>
      this.octokit.rest.git.getTree({
        owner: this.owner,
        repo: this.repo,
        tree_sha: treeSha,
        recursive: 'true',
      }),
    );
    if (data.truncated) {
      throw new RepositoryError(
        `${this.description}: tree ${treeSha} is too large for the recursive tree API`,
        null,
      );
    }
    const entries = new Map<string, TreeEntry>();
    for (const item of data.tree) {
      if (item.path === undefined || item.sha === undefined) continue;
      entries.set(item.path, { mode: item.mode ?? '100644', type: item.type ?? 'blob', sha: item.sha });
      if (item.type === 'blob') this.knownBlobs.add(item.sha);
    }
    return entries;
  }

  /**
   * A tree entry's object: a blob the repository already has (e.g. a restored prompt) by sha;
   * UTF-8 text inline (createTree writes the blob: one request fewer); other bytes as a new blob.
   */
  private async blobFor(content: Uint8Array): Promise<{ sha: string } | { content: string }> {
    const sha = gitBlobSha(content);
    if (this.knownBlobs.has(sha)) return { sha };
    const text = exactUtf8(content);
    if (text !== undefined) return { content: text };
    const { data } = await this.call('create blob', () =>
      this.octokit.rest.git.createBlob({
        owner: this.owner,
        repo: this.repo,
        content: Buffer.from(content).toString('base64'),
        encoding: 'base64',
      }),
    );
    this.knownBlobs.add(data.sha);
    return { sha: data.sha };
  }

  /** Runs one request whose failure publishes nothing; maps failures to named errors. */
  private async call<T>(action: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw mapGitHubError(error, { repository: this.description, action });
    }
  }
}

/** Immutable objects by sha: one request per object, a failed one forgotten so a retry asks again. */
function memoize<T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
  let pending = cache.get(key);
  if (pending === undefined) {
    pending = read();
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes as a string when they are UTF-8 that encodes back to exactly these bytes. */
function exactUtf8(content: Uint8Array): string | undefined {
  try {
    const text = STRICT_UTF8.decode(content);
    return Buffer.from(text, 'utf8').equals(content) ? text : undefined;
  } catch {
    return undefined; // not UTF-8: sent as a base64 blob instead
  }
}

/** The object id git gives a blob (SHA-1 repositories, which is what GitHub hosts). */
function gitBlobSha(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}
