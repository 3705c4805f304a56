import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LocalGitHubOptions } from './github-server.ts';

export interface GitHubServerProcess {
  readonly baseUrl: string;
  readonly gitDir: string;
  stop(): Promise<void>;
}

/** Starts the local GitHub (github-server-main.ts) in a child process and waits for its URL. */
export async function startGitHubServerProcess(options: LocalGitHubOptions): Promise<GitHubServerProcess> {
  const main = fileURLToPath(new URL('./github-server-main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => String(line)),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the local GitHub server exited with code ${code} before it listened`);
    }),
  ]);
  const { baseUrl } = JSON.parse(first) as { baseUrl: string };
  return {
    baseUrl,
    gitDir: options.gitDir,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
