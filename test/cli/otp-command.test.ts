import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `sentinel otp` through the real launcher, as a person or a script runs it. */
const run = promisify(execFile);

function withStdin(args: string[], input: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('node', ['bin/sentinel.js', ...args], (error, stdout, stderr) =>
      error ? reject(error) : resolve({ stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sentinel-otp-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sentinel otp', () => {
  it('prints the verdict, rule, language and masked evidence, never the code', async () => {
    const { stdout } = await run('node', ['bin/sentinel.js', 'otp', 'Ihr Bestätigungscode lautet 482-913']);
    expect(stdout).toContain('OTP message (rule qualified-code, language de)');
    expect(stdout).toContain('•••-•••');
    expect(stdout).not.toContain('482');
  });

  it('--json, exit 0 for a non-OTP too', async () => {
    const { stdout } = await run('node', ['bin/sentinel.js', 'otp', 'Use promo code SAVE20', '--json']);
    expect(JSON.parse(stdout)).toEqual({ otp: false });
  });

  it('reads stdin with "-" and applies --policy extensions', async () => {
    const policy = join(dir, 'policy.json');
    await writeFile(policy, JSON.stringify({ otp: { extraPhrases: ['clave bizum'] } }));
    const { stdout } = await withStdin(['otp', '-', '--json', '--policy', policy], 'Su clave Bizum: 4821\n');
    expect(JSON.parse(stdout)).toEqual({
      otp: true,
      rule: 'policy-phrase',
      language: 'es',
      evidence: 'clave bizum: ••••',
    });
  });

  it('--help shows examples', async () => {
    const { stdout } = await run('node', ['bin/sentinel.js', 'otp', '--help']);
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('sentinel otp -');
  });
});
