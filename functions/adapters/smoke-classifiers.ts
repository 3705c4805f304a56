/**
 * The two SmokeClassifier variants of policy `validation.smoke`: an HTTPS endpoint (the workflow's
 * Lambda) and a workstation command (`sentinel rollback`). Both send `{emails:[{id, snippet,
 * expected}]}` and expect `{classifications:[{id, importance}]}` back.
 */
import { spawn } from 'node:child_process';
import * as z from 'zod';
import { SmokeCheckUnavailableError } from '../core/validation/smoke.ts';
import type { SmokeClassification, SmokeClassifier, SmokeEmail } from '../ports.ts';

const answerSchema = z.object({
  classifications: z.array(z.object({ id: z.string(), importance: z.string() })),
});

function parseAnswer(source: string, text: string): SmokeClassification[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SmokeCheckUnavailableError(`${source} did not answer JSON: ${text.slice(0, 200)}`);
  }
  const answer = answerSchema.safeParse(json);
  if (!answer.success) {
    throw new SmokeCheckUnavailableError(
      `${source} answered no {classifications:[{id, importance}]}: ${answer.error.issues[0]?.message}`,
    );
  }
  return answer.data.classifications;
}

/** POSTs the samples to `url` (fetch, with a timeout); any non-2xx answer is a named failure. */
export class HttpSmokeClassifier implements SmokeClassifier {
  readonly description: string;

  constructor(
    private readonly url: string,
    private readonly timeoutMs = 20_000,
  ) {
    this.description = new URL(url).origin;
  }

  async classify(emails: readonly SmokeEmail[]): Promise<SmokeClassification[]> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ emails }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new SmokeCheckUnavailableError(
        `smoke classifier ${this.description} unreachable: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new SmokeCheckUnavailableError(
        `smoke classifier ${this.description} answered HTTP ${response.status}: ${text.slice(0, 200)}`,
      );
    }
    return parseAnswer(`smoke classifier ${this.description}`, text);
  }
}

/** Runs `command` through the shell with the samples as JSON on stdin; stdout is the answer. */
export class CommandSmokeClassifier implements SmokeClassifier {
  readonly description: string;

  constructor(
    private readonly command: string,
    private readonly options: { cwd?: string; timeoutMs?: number } = {},
  ) {
    this.description = `command \`${command}\``;
  }

  classify(emails: readonly SmokeEmail[]): Promise<SmokeClassification[]> {
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', this.command], {
        cwd: this.options.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        timeout: this.options.timeoutMs ?? 120_000,
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', (error) =>
        reject(new SmokeCheckUnavailableError(`${this.description}: ${error.message}`, { cause: error })),
      );
      child.on('close', (code, signal) => {
        if (code !== 0) {
          const why = signal ? `was killed (${signal})` : `exited ${code}`;
          const stderr = Buffer.concat(err).toString('utf8').trim().slice(0, 300);
          reject(new SmokeCheckUnavailableError(`${this.description} ${why}${stderr ? `: ${stderr}` : ''}`));
          return;
        }
        try {
          resolve(parseAnswer(this.description, Buffer.concat(out).toString('utf8')));
        } catch (error) {
          reject(error);
        }
      });
      child.stdin.on('error', () => {}); // a command that ignores stdin may close it early
      child.stdin.end(JSON.stringify({ emails }));
    });
  }
}
