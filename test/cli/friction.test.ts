import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classificationLine as event, sentinel, V2 as V } from '../support/cli.ts';

/** The CLI's rough edges from the on-call runbook issue, through the real launcher. */
const AT = '2026-11-27T12:00:00Z';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sentinel-cli-friction-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sentinel evaluate: rejected lines and unknown fields', () => {
  let file: string;
  beforeAll(async () => {
    file = join(dir, 'mixed.jsonl');
    await writeFile(
      file,
      [
        event('a', { latency_ms: 850 }),
        '{not json',
        event('b', { latency_ms: 900, costusd: 0.001 }),
        event('c', { importance: 'Routine' }),
        event('d', { latencyMs: 700 }),
      ].join('\n'),
    );
  });

  it('warns once per unknown field with a suggestion, then sums up the rejected lines; exit 0', async () => {
    const { code, stdout, stderr } = await sentinel(['evaluate', '--events', file, '--at', AT, '--json']);
    expect(code).toBe(0);
    expect(stderr.trim().split('\n')).toEqual([
      'line 2: (line): not valid JSON (at column 2)',
      'line 4: importance: must be one of critical, time_sensitive, routine (got "Routine")',
      'warning: line 1 (and 1 more lines): "latency_ms" is not a classification field and was ignored; did you mean latencyMs?',
      'warning: line 3: "costusd" is not a classification field and was ignored; did you mean costUsd?',
      '2 of 5 lines rejected (see above)',
    ]);
    // The contract is untouched: valid events are still evaluated.
    expect((JSON.parse(stdout) as { triggers: { samples: number }[] }).triggers[0]?.samples).toBe(3);
  });

  it('--strict prints the same evaluation but exits 1', async () => {
    const { code, stdout, stderr } = await sentinel([
      'evaluate',
      '--events',
      file,
      '--at',
      AT,
      '--json',
      '--strict',
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ version: V });
    expect(stderr.trim().split('\n').at(-1)).toBe('sentinel: --strict: 2 of 5 lines rejected');
  });
});

describe('small conveniences', () => {
  it('--version prints the package version', async () => {
    const { code, stdout } = await sentinel(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('0.1.0');
  });

  it('incidents on a fresh machine says where state would be, exits 0 and creates nothing', async () => {
    const fresh = join(dir, 'fresh');
    await mkdir(fresh);
    const text = await sentinel(['incidents'], fresh);
    expect(text).toMatchObject({ code: 0 });
    expect(text.stdout.trim()).toBe(
      'no local state in ./.sentinel (run `npm start` and use --state-dir <dir>/state, or ingest events first)',
    );
    const json = await sentinel(['incidents', '--json'], fresh);
    expect(json.stdout.trim()).toBe('[]');
    expect(json.stderr).toContain('no local state in ./.sentinel');
    expect(existsSync(join(fresh, '.sentinel'))).toBe(false);
  });

  it('rollback needs --reason only without --dry-run', async () => {
    const notGit = join(dir, 'not-git');
    await mkdir(notGit);
    const state = join(dir, 'state');
    const real = await sentinel(['rollback', '--repo', notGit, '--state-dir', state]);
    expect(real.code).toBe(2);
    expect(real.stderr).toContain("required option '--reason <text>' not specified");
    // A dry run gets past the option check to the repository itself.
    const dry = await sentinel(['rollback', '--dry-run', '--repo', notGit, '--state-dir', state]);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toContain('is not a Git repository');
  });

  it('gate takes the version file from the policy when --version-file is left out', async () => {
    const app = join(dir, 'app');
    await mkdir(join(app, 'config'), { recursive: true });
    await writeFile(
      join(app, 'config', 'version.json'),
      JSON.stringify({ MODEL_NAME: 'gemini-2.0-flash', MODEL_VERSION: '2.0', PROMPT_VERSION: 'v9' }),
    );
    await writeFile(
      join(app, 'policy.json'),
      JSON.stringify({ repository: { versionFile: 'config/version.json' } }),
    );
    const { code, stdout } = await sentinel(
      ['gate', '--policy', 'policy.json', '--state-dir', join(dir, 'gate-state')],
      app,
    );
    expect(code).toBe(1); // no GDS report: the gate fails, but it read the candidate
    expect(stdout).toContain('gate for gemini-2.0-flash 2.0 / prompt v9: FAIL');
  });
});
