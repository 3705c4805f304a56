import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classificationLine as ok, sentinel, V2 as V } from '../support/cli.ts';

/** The audit's hostile events files, through the real launcher: one line per problem, no stack. */
const AT = '2026-11-27T12:00:00Z';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sentinel-cli-errors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sentinel evaluate --events with hostile lines', () => {
  it('reports each bad line as "line N: field: problem", never echoes a snippet, evaluates the rest', async () => {
    const bad = (extra: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(ok('x')), ...extra });
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const lines = [
      ok('a'),
      '{"snippet":Your verification code is 987654}',
      bad({ id: 'b', type: 'constructor' }),
      bad({ id: 'c', type: '__proto__' }).replace('"type":"__proto__"', '"type":"__proto__"'),
      bad({ id: 'd' }).replace('"importance":"routine"', `"importance":${deep}`),
      bad({ id: 'e', version: { ...V, modelVersion: 'v'.repeat(1500) } }),
      bad({ id: 'f', costUsd: 9e6 }),
      bad({ id: 'g', costUsd: 1e300 }),
      bad({ id: 'h', ts: '9999-12-31T23:59:59Z' }),
      bad({ id: 'i', ts: '0001-01-01T00:00:00Z' }),
      bad({ id: 'j', type: 'gds_report', dataset: 'd'.repeat(2_000_000), critical: { tp: 1, fp: 0, fn: 0 } }),
      ok('k'),
    ];
    const file = join(dir, 'hostile.jsonl');
    await writeFile(file, lines.join('\n'));

    const { code, stdout, stderr } = await sentinel(['evaluate', '--events', file, '--at', AT, '--json']);

    expect(code).toBe(0);
    expect(stderr.trim().split('\n')).toEqual([
      'line 2: (line): not valid JSON (at column 12)',
      'line 3: type: must be one of classification, correction, gds_report (got "constructor")',
      'line 4: type: must be one of classification, correction, gds_report (got "__proto__")',
      'line 5: importance: nests deeper than 8 levels',
      'line 6: version.modelVersion: must be at most 100 characters',
      'line 7: costUsd: must be at most 10 USD',
      'line 8: costUsd: must be at most 10 USD',
      'line 9: ts: must not be after 2026-11-27T12:05:00.000Z (now + ingest.maxClockSkew 5m)',
      'line 10: ts: must not be before 2026-10-23T12:00:00.000Z (now − store.bucketTtl 35d)',
      'line 11: dataset: must be at most 256 characters',
      '10 of 12 lines rejected (see above)',
    ]);
    expect(stderr).not.toContain('987654');
    expect(stderr).not.toContain('verification');
    const evaluation = JSON.parse(stdout) as { version: typeof V; triggers: { samples: number }[] };
    expect(evaluation.version).toEqual(V);
    expect(evaluation.triggers[0]?.samples).toBe(2);
  });

  it.each([
    ['a missing file', 'nope.jsonl', 'no such file'],
    ['a directory', '.', 'is a directory'],
  ])('%s is one line on stderr and exit 1', async (_, name, reason) => {
    const path = name === '.' ? dir : join(dir, name);
    const { code, stderr } = await sentinel(['evaluate', '--events', path, '--at', AT]);
    expect(code).toBe(1);
    expect(stderr).toBe(`sentinel: cannot read ${path}: ${reason}\n`);
  });
});
