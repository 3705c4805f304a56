/**
 * SourceRepository on a local Git repository through the git CLI: the demo's application
 * repository, and people trying Sentinel on a clone.
 *
 * Commits are built with plumbing in a private index (GIT_INDEX_FILE), so neither the work
 * tree nor the user's index is touched while building, and concurrent calls never share an
 * index. The branch moves with `git update-ref <ref> <new> <old>`, which git performs under
 * the ref's lock only if the ref still holds <old>: a real compare-and-swap, the guarantee
 * that one incident gets one commit even with many writers in many processes.
 *
 * Work tree: when the branch is checked out in this (non-bare) repository and the work tree
 * was clean, it is fast-forwarded to the new commit (`read-tree -m -u`, what `git checkout`
 * does). A dirty work tree is left alone — `git status` then shows the rollback as reverse
 * changes until someone resets — and `onWarning` says so. Linked worktrees are not updated.
 * The demo's deploy watcher reads the ref, never the work tree.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
  SourceRepository,
  StableTag,
} from '../ports.ts';
import { GitCommandError, gitText, runGit } from './git-cli.ts';

export interface LocalGitRepoOptions {
  /** The branch rollbacks go to; default: the branch HEAD points to. */
  defaultBranch?: string;
  /** Author and committer of rollback commits. */
  author?: { name: string; email: string };
  /** Told when the checked-out work tree could not be brought up to date. Default: stderr. */
  onWarning?: (message: string) => void;
}

const DEFAULT_AUTHOR = { name: 'Rollback Sentinel', email: 'rollback-sentinel@localhost' };
const NEW_FILE_MODE = '100644';

export class LocalGitRepo implements SourceRepository {
  readonly description: string;
  private readonly author: { name: string; email: string };
  private readonly warn: (message: string) => void;

  constructor(
    readonly dir: string,
    private readonly options: LocalGitRepoOptions = {},
  ) {
    this.description = dir;
    this.author = options.author ?? DEFAULT_AUTHOR;
    this.warn = options.onWarning ?? ((message) => process.emitWarning(message, 'LocalGitRepo'));
  }

  async defaultBranch(): Promise<string> {
    if (this.options.defaultBranch !== undefined) return this.options.defaultBranch;
    const { stdout, exitCode } = await runGit(this.dir, ['symbolic-ref', '--short', '-q', 'HEAD'], {
      okExitCodes: [1],
    });
    if (exitCode !== 0) {
      throw new RepositoryError(`${this.dir}: HEAD is detached; pass defaultBranch to LocalGitRepo`, null);
    }
    return stdout.toString('utf8').trim();
  }

  async resolveRef(ref: string): Promise<string | null> {
    checkRefSyntax(ref);
    const { stdout, exitCode } = await runGit(
      this.dir,
      ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`],
      {
        okExitCodes: [1, 128],
      },
    );
    return exitCode === 0 ? stdout.toString('utf8').trim() : null;
  }

  async readFile(ref: string, path: string): Promise<Uint8Array | null> {
    const sha = await this.mustResolve(ref);
    const entry = (await this.treeEntries(sha, [path])).get(path);
    if (entry === undefined) return null;
    if (entry.type !== 'blob')
      throw new RepositoryError(`${this.dir}: ${path} at ${ref} is a ${entry.type}, not a file`, null);
    const { stdout } = await runGit(this.dir, ['cat-file', 'blob', entry.sha]);
    return new Uint8Array(stdout);
  }

  async listStableTags(): Promise<StableTag[]> {
    const names = (await gitText(this.dir, ['for-each-ref', '--format=%(refname:strip=2)', 'refs/tags/']))
      .split('\n')
      .filter(isStableTagName);
    const tags: StableTag[] = [];
    for (const name of names) {
      const sha = await this.mustResolve(`refs/tags/${name}`);
      const committedAt = await gitText(this.dir, ['show', '-s', '--format=%cI', sha]);
      tags.push({ name, sha, committedAt });
    }
    return newestFirst(tags);
  }

  async changedPaths(fromRef: string, toRef: string): Promise<string[]> {
    const from = await this.mustResolve(fromRef);
    const to = await this.mustResolve(toRef);
    const { stdout } = await runGit(this.dir, ['diff', '--name-only', '-z', '--no-renames', from, to, '--']);
    return splitNul(stdout);
  }

  async findCommitWithTrailer(
    branch: string,
    key: string,
    value: string,
    depth: number,
  ): Promise<FoundCommit | null> {
    const head = await this.mustResolve(`refs/heads/${branch}`);
    const { stdout } = await runGit(this.dir, ['log', '-z', `-n${depth}`, '--format=%H%n%B', head, '--']);
    for (const record of splitNul(stdout)) {
      const newline = record.indexOf('\n');
      const sha = record.slice(0, newline);
      const message = record.slice(newline + 1);
      if (hasTrailer(message, key, value)) return { sha, url: this.commitUrl(sha), message };
    }
    return null;
  }

  async commitFiles({ branch, expectedHead, message, changes }: CommitFilesRequest): Promise<CommitRef> {
    const ref = `refs/heads/${branch}`;
    const parent = await this.mustResolve(ref);
    if (expectedHead !== undefined && parent !== expectedHead) {
      throw new BranchMovedError(branch, expectedHead, parent);
    }
    const commit = await this.buildCommit(parent, message, changes);
    const workTree = await this.workTreeState(ref);
    try {
      // Compare-and-swap: git takes the ref lock and checks it still holds `parent`.
      await runGit(this.dir, ['update-ref', '-m', 'rollback-sentinel: commit', ref, commit, parent]);
    } catch (error) {
      if (error instanceof GitCommandError && /cannot lock ref/i.test(error.stderr)) {
        throw new BranchMovedError(branch, parent, await this.resolveRef(ref), { cause: error });
      }
      throw error;
    }
    await this.syncWorkTree(workTree, branch, parent, commit);
    return { sha: commit, url: this.commitUrl(commit) };
  }

  async createBranch(name: string, fromSha: string): Promise<'created' | 'exists'> {
    const ref = `refs/heads/${name}`;
    await runGit(this.dir, ['check-ref-format', ref]);
    try {
      // An empty old value means "must not exist yet": creation is a compare-and-swap too.
      await runGit(this.dir, ['update-ref', '-m', 'rollback-sentinel: branch', ref, fromSha, '']);
      return 'created';
    } catch (error) {
      if (error instanceof GitCommandError && /cannot lock ref/i.test(error.stderr)) return 'exists';
      throw error;
    }
  }

  /** A plain Git repository has no pull requests: procedure C stops at the branch. */
  async openPullRequest(): Promise<PullRequestRef | null> {
    return null;
  }

  /** A plain Git repository has no checks or statuses. */
  async commitChecks(): Promise<CommitChecksState> {
    return 'none';
  }

  /** A local clone has no check runs: a required check stays missing (pending). */
  async checkRuns(): Promise<CheckRun[]> {
    return [];
  }

  private async mustResolve(ref: string): Promise<string> {
    const sha = await this.resolveRef(ref);
    if (sha === null) throw new RefNotFoundError(this.dir, ref);
    return sha;
  }

  private commitUrl(sha: string): string {
    return `${pathToFileURL(this.dir).href}#commit=${sha}`;
  }

  private async treeEntries(
    treeish: string,
    paths: readonly string[],
  ): Promise<Map<string, { mode: string; type: string; sha: string }>> {
    const entries = new Map<string, { mode: string; type: string; sha: string }>();
    if (paths.length === 0) return entries;
    const { stdout } = await runGit(this.dir, ['ls-tree', '-z', '--full-tree', treeish, '--', ...paths]);
    for (const line of splitNul(stdout)) {
      const tab = line.indexOf('\t');
      const [mode = '', type = '', sha = ''] = line.slice(0, tab).split(' ');
      entries.set(line.slice(tab + 1), { mode, type, sha });
    }
    return entries;
  }

  /** hash-object, then a private index seeded from the parent's tree, write-tree, commit-tree. */
  private async buildCommit(
    parent: string,
    message: string,
    changes: CommitFilesRequest['changes'],
  ): Promise<string> {
    const existing = await this.treeEntries(
      parent,
      changes.map((change) => change.path),
    );
    const zero = '0'.repeat(parent.length);
    const lines: string[] = [];
    for (const change of changes) {
      if (change.content === null) {
        // Mode 0 removes the entry; deleting a path that is not there is a no-op.
        if (existing.has(change.path)) lines.push(`0 ${zero}\t${change.path}`);
        continue;
      }
      const blob = await gitText(this.dir, ['hash-object', '-w', '--stdin'], { input: change.content });
      lines.push(`${existing.get(change.path)?.mode ?? NEW_FILE_MODE} ${blob}\t${change.path}`);
    }
    const scratch = await mkdtemp(join(tmpdir(), 'sentinel-index-'));
    try {
      const env = { GIT_INDEX_FILE: join(scratch, 'index') };
      await runGit(this.dir, ['read-tree', `${parent}^{tree}`], { env });
      await runGit(this.dir, ['update-index', '-z', '--index-info'], {
        env,
        input: lines.map((l) => `${l}\0`).join(''),
      });
      const tree = await gitText(this.dir, ['write-tree'], { env });
      return await gitText(this.dir, ['commit-tree', '--no-gpg-sign', tree, '-p', parent, '-F', '-'], {
        input: message,
        env: {
          GIT_AUTHOR_NAME: this.author.name,
          GIT_AUTHOR_EMAIL: this.author.email,
          GIT_COMMITTER_NAME: this.author.name,
          GIT_COMMITTER_EMAIL: this.author.email,
        },
      });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** Whether the branch is checked out here, and whether index and work tree match its head. */
  private async workTreeState(ref: string): Promise<'not-checked-out' | 'clean' | 'dirty'> {
    const bare = await gitText(this.dir, ['rev-parse', '--is-bare-repository']);
    if (bare === 'true') return 'not-checked-out';
    const head = await runGit(this.dir, ['symbolic-ref', '-q', 'HEAD'], { okExitCodes: [1] });
    if (head.stdout.toString('utf8').trim() !== ref) return 'not-checked-out';
    // --no-optional-locks: a status check must never take the index lock a person may need.
    const status = await gitText(this.dir, [
      '--no-optional-locks',
      'status',
      '--porcelain',
      '--untracked-files=no',
    ]);
    return status === '' ? 'clean' : 'dirty';
  }

  private async syncWorkTree(
    state: 'not-checked-out' | 'clean' | 'dirty',
    branch: string,
    from: string,
    to: string,
  ) {
    if (state === 'not-checked-out') return;
    if (state === 'dirty') {
      this.warn(
        `${this.dir}: ${branch} moved to ${to.slice(0, 12)}; the work tree has local changes and was left as it was`,
      );
      return;
    }
    try {
      // Two-tree merge: updates exactly the files that changed, refuses to clobber local edits.
      await runGit(this.dir, ['read-tree', '-m', '-u', from, to]);
    } catch (error) {
      // The commit is published; a stale checkout is the user's to refresh, not a failed revert.
      this.warn(
        `${this.dir}: ${branch} moved to ${to.slice(0, 12)} but the work tree was not updated: ${(error as Error).message}`,
      );
    }
  }
}

function splitNul(buffer: Buffer): string[] {
  return buffer
    .toString('utf8')
    .split('\0')
    .filter((part) => part !== '');
}

/** Refs come from requests and tags: never let one be read as a git option. */
function checkRefSyntax(ref: string): void {
  if (ref === '' || ref.startsWith('-') || /[\0\n]/.test(ref)) {
    throw new RepositoryError(`not a valid ref: ${JSON.stringify(ref)}`, null);
  }
}
