/**
 * Runs the git CLI without a shell (arguments are passed as an array, so paths and ref names
 * are never interpreted), with stdin input and raw-byte output for file contents.
 */
import { spawn } from 'node:child_process';

export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (exit ${exitCode ?? 'signal'}): ${stderr.trim() || '(no output)'}`);
  }
}

export interface GitRunOptions {
  input?: Uint8Array | string;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that are answers rather than failures (e.g. 1 for "not found"). */
  okExitCodes?: readonly number[];
}

export interface GitResult {
  stdout: Buffer;
  exitCode: number;
}

// Identity and locale are pinned so output parsing and commit objects do not depend on the
// machine; prompts are disabled so a misconfigured remote can never hang a Lambda.
const BASE_ENV = {
  LC_ALL: 'C',
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function runGit(
  dir: string,
  args: readonly string[],
  options: GitRunOptions = {},
): Promise<GitResult> {
  const fullArgs = ['-C', dir, '--literal-pathspecs', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn('git', fullArgs, {
      env: { ...process.env, ...BASE_ENV, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const exitCode = code ?? -1;
      if (exitCode === 0 || options.okExitCodes?.includes(exitCode)) {
        resolve({ stdout: Buffer.concat(out), exitCode });
      } else {
        reject(new GitCommandError(args, code, Buffer.concat(err).toString('utf8')));
      }
    });
    // EPIPE when git exits before reading its input surfaces as the exit code instead.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Convenience: stdout as trimmed text. */
export async function gitText(
  dir: string,
  args: readonly string[],
  options: GitRunOptions = {},
): Promise<string> {
  return (await runGit(dir, args, options)).stdout.toString('utf8').trim();
}
