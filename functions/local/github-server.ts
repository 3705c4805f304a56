/**
 * The local GitHub: a stand-in for the GitHub REST API on 127.0.0.1 (the demo's and the tests'), serving exactly the endpoints
 * GitHubRepo uses, on top of a real (bare) Git repository: refs, commits, trees and blobs
 * are real git objects, so what the adapter writes can be checked with `git log`.
 *
 * Fault injection per route (in Octokit's "METHOD /path/{param}" spelling): fail before
 * applying, apply then answer 5xx or drop the connection, primary/secondary rate limits,
 * or run a side effect first (e.g. another writer moves the branch). Every request is
 * counted per route so tests can assert "not retried" or "retried once".
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitCommandError, gitText, runGit } from '../adapters/git-cli.ts';

export type Route =
  | 'GET /repos/{owner}/{repo}'
  | 'GET /repos/{owner}/{repo}/git/ref/{ref}'
  | 'GET /repos/{owner}/{repo}/git/matching-refs/{ref}'
  | 'POST /repos/{owner}/{repo}/git/refs'
  | 'PATCH /repos/{owner}/{repo}/git/refs/{ref}'
  | 'GET /repos/{owner}/{repo}/git/tags/{tag_sha}'
  | 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}'
  | 'POST /repos/{owner}/{repo}/git/commits'
  | 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}'
  | 'POST /repos/{owner}/{repo}/git/trees'
  | 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}'
  | 'POST /repos/{owner}/{repo}/git/blobs'
  | 'GET /repos/{owner}/{repo}/commits'
  | 'GET /repos/{owner}/{repo}/commits/{ref}'
  | 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs'
  | 'GET /repos/{owner}/{repo}/commits/{ref}/status'
  | 'GET /repos/{owner}/{repo}/pulls'
  | 'POST /repos/{owner}/{repo}/pulls';

export type FaultKind =
  /** Answer with this status without doing anything. */
  | { type: 'fail'; status: number; message?: string }
  /** Do the work, then answer with this status (the client cannot know it succeeded). */
  | { type: 'fail-after'; status: number }
  /** Do the work, then destroy the connection without an answer. */
  | { type: 'drop-after' }
  /** 403 with `x-ratelimit-remaining: 0` and a reset this many seconds ahead. */
  | { type: 'primary-rate-limit'; resetInSeconds: number }
  /** A secondary rate limit: 403 or 429 with `retry-after`. */
  | { type: 'secondary-rate-limit'; status: 403 | 429; retryAfterSeconds: number }
  /** Run a side effect first (another writer, say), then handle the request normally. */
  | { type: 'before'; run: () => Promise<void> };

export interface Fault {
  route: Route;
  kind: FaultKind;
  /** How many matching requests get the fault (default 1; Infinity for "permanently"). */
  times?: number;
}

export interface RequestRecord {
  route: Route | 'unknown';
  method: string;
  path: string;
  status: number;
  at: number;
}

export interface LocalGitHubOptions {
  /** A bare repository; the server owns it for its lifetime. */
  gitDir: string;
  owner?: string;
  repo?: string;
  /** The token requests must carry; anything else gets 401 Bad credentials. */
  token?: string;
  /** Path prefix, as GitHub Enterprise serves the API under `/api/v3`. */
  prefix?: string;
}

interface PullRequest {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
}

type Handler = (request: ParsedRequest) => Promise<[number, unknown]>;

interface ParsedRequest {
  params: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'GitHub Fake',
  GIT_AUTHOR_EMAIL: 'fake@github.test',
  GIT_COMMITTER_NAME: 'GitHub Fake',
  GIT_COMMITTER_EMAIL: 'fake@github.test',
};

export class LocalGitHubServer {
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  readonly gitDir: string;
  readonly log: RequestRecord[] = [];
  readonly pullRequests: PullRequest[] = [];
  /** Check runs and statuses per commit sha, set by tests. */
  readonly checkRuns = new Map<string, Array<{ name?: string; status: string; conclusion: string | null }>>();
  readonly statuses = new Map<string, Array<{ state: string }>>();
  private readonly faults: Array<Required<Fault>> = [];
  /** A copy made by `fromRepository` is removed on stop; a repository given by the caller is kept. */
  private ownsGitDir = false;
  private readonly prefix: string;
  private server: Server | undefined;
  private baseUrlValue = '';

  constructor(options: LocalGitHubOptions) {
    this.gitDir = options.gitDir;
    this.owner = options.owner ?? 'shopq';
    this.repo = options.repo ?? 'classifier';
    this.token = options.token ?? 'test-token';
    this.prefix = options.prefix ?? '/api/v3';
  }

  /** Copies a repository into a fresh bare repository (all branches and tags) and serves it. */
  static async fromRepository(
    sourceDir: string,
    options: Omit<LocalGitHubOptions, 'gitDir'> = {},
  ): Promise<LocalGitHubServer> {
    const parent = await mkdtemp(join(tmpdir(), 'fake-github-'));
    const gitDir = join(parent, 'repo.git');
    await runGit(parent, ['clone', '-q', '--bare', sourceDir, gitDir]);
    const server = new LocalGitHubServer({ ...options, gitDir });
    server.ownsGitDir = true;
    await server.start();
    return server;
  }

  get baseUrl(): string {
    return this.baseUrlValue;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.dispatch(request, response).catch((error: unknown) => {
        // A bug in the fake must fail the test loudly, not look like a GitHub outage.
        process.stderr.write(`local-github-server: ${(error as Error).stack ?? String(error)}\n`);
        if (!response.headersSent)
          this.send(response, 599, { message: `local GitHub server bug: ${(error as Error).message}` });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrlValue = `http://127.0.0.1:${port}${this.prefix}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (this.ownsGitDir) await rm(join(this.gitDir, '..'), { recursive: true, force: true });
  }

  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Requests received on a route (faulted ones included). */
  count(route: Route): number {
    return this.log.filter((record) => record.route === route).length;
  }

  /** Requests that matched no route: the adapter used an endpoint the fake does not know. */
  unknownRequests(): RequestRecord[] {
    return this.log.filter((record) => record.route === 'unknown');
  }

  private takeFault(route: Route): FaultKind | undefined {
    const fault = this.faults.find((candidate) => candidate.route === route && candidate.times > 0);
    if (fault === undefined) return undefined;
    fault.times -= 1;
    return fault.kind;
  }

  private async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    const record: RequestRecord = { route: 'unknown', method, path: url.pathname, status: 0, at: Date.now() };
    this.log.push(record);
    const respond = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      this.send(response, status, body, headers);
    };
    const matched = this.match(method, url.pathname);
    if (matched === undefined) {
      respond(404, { message: `Not Found (fake server has no ${method} ${url.pathname})` });
      return;
    }
    const [route, params] = matched;
    record.route = route;
    const authorization = request.headers.authorization ?? '';
    if (authorization !== `token ${this.token}` && authorization !== `bearer ${this.token}`) {
      respond(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      return;
    }
    const body = await readBody(request);
    const fault = this.takeFault(route);
    if (fault?.type === 'fail') {
      respond(fault.status, { message: fault.message ?? `injected ${fault.status}` });
      return;
    }
    if (fault?.type === 'primary-rate-limit') {
      const reset = Math.ceil(Date.now() / 1000) + fault.resetInSeconds;
      respond(
        403,
        {
          message: 'API rate limit exceeded for installation ID 1.',
          documentation_url: 'https://docs.github.com/rest/rate-limit',
        },
        { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      );
      return;
    }
    if (fault?.type === 'secondary-rate-limit') {
      respond(
        fault.status,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        },
        { 'retry-after': String(fault.retryAfterSeconds) },
      );
      return;
    }
    if (fault?.type === 'before') await fault.run();
    const [status, payload] = await this.handlers[route]({ params, query: url.searchParams, body });
    if (fault?.type === 'drop-after') {
      record.status = -1;
      response.socket?.destroy();
      return;
    }
    if (fault?.type === 'fail-after') {
      respond(fault.status, { message: `injected ${fault.status} after applying` });
      return;
    }
    respond(status, payload);
  }

  private send(
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    response.end(text);
  }

  /** Matches on raw (still percent-encoded) segments, then decodes each parameter. */
  private match(method: string, pathname: string): [Route, string[]] | undefined {
    if (!pathname.startsWith(`${this.prefix}/`)) return undefined;
    const segments = pathname.slice(this.prefix.length + 1).split('/');
    for (const route of Object.keys(this.handlers) as Route[]) {
      const [routeMethod = '', template = ''] = route.split(' ');
      if (routeMethod !== method) continue;
      const parts = template.slice(1).split('/');
      if (parts.length !== segments.length) continue;
      const params: string[] = [];
      const ok = parts.every((part, index) => {
        const segment = segments[index] ?? '';
        if (part.startsWith('{')) {
          params.push(decodeURIComponent(segment));
          return segment !== '';
        }
        return part === segment;
      });
      if (!ok) continue;
      // {owner}/{repo} must name the served repository, as on GitHub (404 otherwise).
      if (params[0] !== this.owner || params[1] !== this.repo) return undefined;
      return [route, params.slice(2)];
    }
    return undefined;
  }

  private git(args: string[], options: Parameters<typeof runGit>[2] = {}) {
    return runGit(this.gitDir, args, options);
  }

  private gitText(args: string[], options: Parameters<typeof runGit>[2] = {}) {
    return gitText(this.gitDir, args, options);
  }

  private async resolve(ref: string): Promise<string | null> {
    const { stdout, exitCode } = await this.git(['rev-parse', '--verify', '--quiet', ref], {
      okExitCodes: [1, 128],
    });
    return exitCode === 0 ? stdout.toString('utf8').trim() : null;
  }

  private async objectType(sha: string): Promise<string | null> {
    const { stdout, exitCode } = await this.git(['cat-file', '-t', sha], { okExitCodes: [1, 128] });
    return exitCode === 0 ? stdout.toString('utf8').trim() : null;
  }

  private api(path: string): string {
    return `${this.baseUrlValue}/repos/${this.owner}/${this.repo}${path}`;
  }

  private html(path: string): string {
    return `${this.baseUrlValue.replace(/\/api\/v3$/, '')}/${this.owner}/${this.repo}${path}`;
  }

  private async refJson(ref: string) {
    const sha = await this.resolve(ref);
    if (sha === null) return null;
    return {
      ref,
      node_id: 'x',
      url: this.api(`/git/${ref}`),
      object: { type: await this.objectType(sha), sha, url: '' },
    };
  }

  private async commitJson(sha: string) {
    const raw = (await this.git(['cat-file', 'commit', sha])).stdout.toString('utf8');
    const split = raw.indexOf('\n\n');
    const headers = raw.slice(0, split).split('\n');
    const message = raw.slice(split + 2);
    const tree = headers.find((line) => line.startsWith('tree '))?.slice(5) ?? '';
    const parents = headers
      .filter((line) => line.startsWith('parent '))
      .map((line) => ({ sha: line.slice(7) }));
    const person = (kind: string) => {
      const line = headers.find((candidate) => candidate.startsWith(`${kind} `)) ?? '';
      const match = /^\w+ (.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line);
      return {
        name: match?.[1] ?? '',
        email: match?.[2] ?? '',
        date: new Date(Number(match?.[3] ?? 0) * 1000).toISOString().replace('.000', ''),
      };
    };
    return {
      sha,
      node_id: 'x',
      url: this.api(`/git/commits/${sha}`),
      html_url: this.html(`/commit/${sha}`),
      message,
      tree: { sha: tree, url: this.api(`/git/trees/${tree}`) },
      parents,
      author: person('author'),
      committer: person('committer'),
    };
  }

  private readonly handlers: Record<Route, Handler> = {
    'GET /repos/{owner}/{repo}': async () => [
      200,
      {
        full_name: `${this.owner}/${this.repo}`,
        default_branch: (await this.gitText(['symbolic-ref', '--short', 'HEAD'])) || 'main',
        html_url: this.html(''),
      },
    ],

    'GET /repos/{owner}/{repo}/git/ref/{ref}': async ({ params }) => {
      const json = await this.refJson(`refs/${params[0]}`);
      return json === null ? [404, { message: 'Not Found' }] : [200, json];
    },

    'GET /repos/{owner}/{repo}/git/matching-refs/{ref}': async ({ params }) => {
      const prefix = `refs/${params[0]}`;
      const names = (
        await this.gitText([
          'for-each-ref',
          '--format=%(refname)',
          prefix.endsWith('/') ? prefix : `${prefix}*`,
        ])
      )
        .split('\n')
        .filter((name) => name.startsWith(prefix));
      const refs = [];
      for (const name of names) refs.push(await this.refJson(name));
      return [200, refs];
    },

    'POST /repos/{owner}/{repo}/git/refs': async ({ body }) => {
      const ref = String(body.ref ?? '');
      const sha = String(body.sha ?? '');
      if (!/^refs\/heads\/./.test(ref) || (await this.objectType(sha)) !== 'commit') {
        return [422, { message: 'Reference update failed' }];
      }
      try {
        await this.git(['update-ref', ref, sha, '']);
      } catch (error) {
        if (error instanceof GitCommandError) return [422, { message: 'Reference already exists' }];
        throw error;
      }
      return [201, await this.refJson(ref)];
    },

    'PATCH /repos/{owner}/{repo}/git/refs/{ref}': async ({ params, body }) => {
      const ref = `refs/${params[0]}`;
      const sha = String(body.sha ?? '');
      // The adapter must never force; the fake refuses so a regression cannot pass unnoticed.
      if (body.force !== false && body.force !== undefined)
        return [400, { message: 'fake server refuses forced updates' }];
      const current = await this.resolve(ref);
      if (current === null) return [422, { message: 'Reference does not exist' }];
      if ((await this.objectType(sha)) !== 'commit') return [422, { message: 'Object does not exist' }];
      const ancestor = await this.git(['merge-base', '--is-ancestor', current, sha], { okExitCodes: [1] });
      if (ancestor.exitCode !== 0) return [422, { message: 'Update is not a fast forward' }];
      try {
        await this.git(['update-ref', ref, sha, current]);
      } catch (error) {
        if (error instanceof GitCommandError) return [422, { message: 'Update is not a fast forward' }];
        throw error;
      }
      return [200, await this.refJson(ref)];
    },

    'GET /repos/{owner}/{repo}/git/tags/{tag_sha}': async ({ params }) => {
      const sha = params[0] ?? '';
      if ((await this.objectType(sha)) !== 'tag') return [404, { message: 'Not Found' }];
      const raw = (await this.git(['cat-file', 'tag', sha])).stdout.toString('utf8');
      const field = (name: string) => new RegExp(`^${name} (.*)$`, 'm').exec(raw)?.[1] ?? '';
      return [
        200,
        {
          sha,
          tag: field('tag'),
          message: raw.slice(raw.indexOf('\n\n') + 2),
          object: { type: field('type'), sha: field('object') },
        },
      ];
    },

    'GET /repos/{owner}/{repo}/git/commits/{commit_sha}': async ({ params }) => {
      const sha = params[0] ?? '';
      if ((await this.objectType(sha)) !== 'commit') return [404, { message: 'Not Found' }];
      return [200, await this.commitJson(sha)];
    },

    'POST /repos/{owner}/{repo}/git/commits': async ({ body }) => {
      const tree = String(body.tree ?? '');
      const parents = (body.parents as string[] | undefined) ?? [];
      if ((await this.objectType(tree)) !== 'tree') return [422, { message: 'Tree SHA does not exist' }];
      const args = [
        'commit-tree',
        '--no-gpg-sign',
        tree,
        ...parents.flatMap((parent) => ['-p', parent]),
        '-F',
        '-',
      ];
      const sha = await this.gitText(args, { input: String(body.message ?? ''), env: IDENTITY });
      return [201, await this.commitJson(sha)];
    },

    'GET /repos/{owner}/{repo}/git/trees/{tree_sha}': async ({ params, query }) => {
      const sha = params[0] ?? '';
      if ((await this.objectType(sha)) !== 'tree') return [404, { message: 'Not Found' }];
      const recursive = query.has('recursive') ? ['-r', '-t'] : [];
      const out = (await this.git(['ls-tree', '-z', '--full-tree', ...recursive, sha])).stdout.toString(
        'utf8',
      );
      const tree = out
        .split('\0')
        .filter((line) => line !== '')
        .map((line) => {
          const tab = line.indexOf('\t');
          const [mode, type, entrySha] = line.slice(0, tab).split(' ');
          return { path: line.slice(tab + 1), mode, type, sha: entrySha };
        });
      return [200, { sha, tree, truncated: false }];
    },

    'POST /repos/{owner}/{repo}/git/trees': async ({ body }) => {
      const base = body.base_tree === undefined ? null : String(body.base_tree);
      const entries =
        (body.tree as Array<{
          path: string;
          mode: string;
          type: string;
          sha?: string | null;
          content?: string;
        }>) ?? [];
      const scratch = await mkdtemp(join(tmpdir(), 'fake-tree-'));
      try {
        const env = { GIT_INDEX_FILE: join(scratch, 'index') };
        await this.git(base === null ? ['read-tree', '--empty'] : ['read-tree', base], { env });
        const lines: string[] = [];
        for (const entry of entries) {
          if (entry.content !== undefined) {
            // As GitHub: the text becomes a blob, written here; a sha as well is ambiguous.
            if (entry.sha !== undefined)
              return [
                422,
                {
                  message:
                    'Must supply either tree.sha or tree.content. Request will be rejected if both are present.',
                },
              ];
            const blob = await this.gitText(['hash-object', '-w', '--stdin'], {
              input: Buffer.from(String(entry.content), 'utf8'),
            });
            lines.push(`${entry.mode} ${blob}\t${entry.path}`);
          } else if (entry.sha === null) {
            const present = await this.gitText(['ls-files', '--', entry.path], { env });
            if (present === '')
              return [422, { message: `GitRPC::BadObjectState (${entry.path} does not exist)` }];
            lines.push(`0 ${'0'.repeat(40)}\t${entry.path}`);
          } else {
            if (entry.sha === undefined || (await this.objectType(entry.sha)) !== 'blob')
              return [422, { message: `tree.sha ${entry.sha} is not a valid blob` }];
            lines.push(`${entry.mode} ${entry.sha}\t${entry.path}`);
          }
        }
        await this.git(['update-index', '-z', '--index-info'], {
          env,
          input: lines.map((line) => `${line}\0`).join(''),
        });
        const sha = await this.gitText(['write-tree'], { env });
        return [201, { sha, url: this.api(`/git/trees/${sha}`), tree: [], truncated: false }];
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },

    'GET /repos/{owner}/{repo}/git/blobs/{file_sha}': async ({ params }) => {
      const sha = params[0] ?? '';
      if ((await this.objectType(sha)) !== 'blob') return [404, { message: 'Not Found' }];
      const content = (await this.git(['cat-file', 'blob', sha])).stdout;
      return [200, { sha, size: content.length, encoding: 'base64', content: content.toString('base64') }];
    },

    'POST /repos/{owner}/{repo}/git/blobs': async ({ body }) => {
      const content = Buffer.from(String(body.content ?? ''), body.encoding === 'base64' ? 'base64' : 'utf8');
      const sha = await this.gitText(['hash-object', '-w', '--stdin'], { input: content });
      return [201, { sha, url: this.api(`/git/blobs/${sha}`) }];
    },

    'GET /repos/{owner}/{repo}/commits': async ({ query }) => {
      const start = await this.resolve(`${query.get('sha') ?? 'HEAD'}^{commit}`);
      if (start === null) return [404, { message: 'Not Found' }];
      const perPage = Math.min(100, Number(query.get('per_page') ?? 30));
      const page = Number(query.get('page') ?? 1);
      const out = (
        await this.git(['log', '-z', '--format=%H', `--skip=${(page - 1) * perPage}`, `-n${perPage}`, start])
      ).stdout;
      const shas = out
        .toString('utf8')
        .split('\0')
        .map((line) => line.trim())
        .filter((line) => line !== '');
      const items = [];
      for (const sha of shas) {
        const commit = await this.commitJson(sha);
        items.push({
          sha,
          html_url: commit.html_url,
          commit: {
            message: commit.message,
            tree: commit.tree,
            author: commit.author,
            committer: commit.committer,
          },
          parents: commit.parents,
        });
      }
      return [200, items];
    },

    'GET /repos/{owner}/{repo}/commits/{ref}': async ({ params }) => {
      const sha = await this.resolve(`${params[0]}^{commit}`);
      if (sha === null) return [422, { message: `No commit found for SHA: ${params[0]}` }];
      const commit = await this.commitJson(sha);
      return [200, { sha, html_url: commit.html_url, commit: { message: commit.message } }];
    },

    'GET /repos/{owner}/{repo}/commits/{ref}/check-runs': async ({ params }) => {
      const runs = this.checkRuns.get(params[0] ?? '') ?? [];
      return [200, { total_count: runs.length, check_runs: runs }];
    },

    'GET /repos/{owner}/{repo}/commits/{ref}/status': async ({ params }) => {
      const statuses = this.statuses.get(params[0] ?? '') ?? [];
      // GitHub says "pending" when there are no statuses at all.
      const state = statuses.some((status) => status.state === 'failure' || status.state === 'error')
        ? 'failure'
        : statuses.length > 0 && statuses.every((status) => status.state === 'success')
          ? 'success'
          : 'pending';
      return [200, { state, total_count: statuses.length, statuses }];
    },

    'GET /repos/{owner}/{repo}/pulls': async ({ query }) => {
      const head = query.get('head')?.replace(`${this.owner}:`, '');
      const matching = this.pullRequests.filter(
        (pull) =>
          (head === undefined || pull.head === head) &&
          (query.get('base') === null || pull.base === query.get('base')) &&
          (query.get('state') === 'all' || pull.state === (query.get('state') ?? 'open')),
      );
      return [200, matching.map((pull) => this.pullJson(pull))];
    },

    'POST /repos/{owner}/{repo}/pulls': async ({ body }) => {
      const head = String(body.head ?? '');
      const base = String(body.base ?? '');
      if (
        (await this.resolve(`refs/heads/${head}`)) === null ||
        (await this.resolve(`refs/heads/${base}`)) === null
      ) {
        return [
          422,
          {
            message: 'Validation Failed',
            errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
          },
        ];
      }
      if (
        this.pullRequests.some((pull) => pull.head === head && pull.base === base && pull.state === 'open')
      ) {
        return [
          422,
          { message: `Validation Failed: A pull request already exists for ${this.owner}:${head}.` },
        ];
      }
      const pull: PullRequest = {
        number: this.pullRequests.length + 1,
        head,
        base,
        title: String(body.title ?? ''),
        body: String(body.body ?? ''),
        state: 'open',
      };
      this.pullRequests.push(pull);
      return [201, this.pullJson(pull)];
    },
  };

  private pullJson(pull: PullRequest) {
    return {
      number: pull.number,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      html_url: this.html(`/pull/${pull.number}`),
      head: { ref: pull.head },
      base: { ref: pull.base },
    };
  }
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}
