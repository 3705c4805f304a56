import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { gateCommand } from '../../../functions/cli/prevention/gate.ts';
import { DEFAULT_POLICY } from '../../../functions/core/policy.ts';
import { mentions } from '../../../functions/core/prevention/gate.ts';
import { compareShadow } from '../../../functions/core/prevention/shadow.ts';
import { BAD, DAY, goodReport, START, shadowHistory, toJsonl } from '../../support/prevention-history.ts';

const VERSIONING = `MODEL_NAME = "gemini-2.0-flash"\nMODEL_VERSION = "2.0"\nPROMPT_VERSION = "v3"\n`;
const LOG =
  '# Versions\n\n- 2026-11-19 gemini-2.0-flash 2.0 / prompt v2: baseline\n- 2026-11-25 gemini-2.0-flash / prompt v3: shorter instructions\n';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sentinel-gate-'));
  await writeFile(join(dir, 'versioning.py'), VERSIONING);
  await writeFile(join(dir, 'VERSIONS.md'), LOG);
});

async function gate(report: object | undefined, log = join(dir, 'VERSIONS.md')) {
  if (report !== undefined) await writeFile(join(dir, 'gds.json'), JSON.stringify(report));
  return gateCommand({
    versionFile: join(dir, 'versioning.py'),
    ...(report === undefined ? {} : { gds: join(dir, 'gds.json') }),
    versionsLog: log,
    stateDir: join(dir, 'state'),
    policy: DEFAULT_POLICY,
    now: START,
  });
}
const wire = (extra = {}) => ({ ...goodReport(BAD, START), ts: new Date(START).toISOString(), ...extra });
const failed = (run: Awaited<ReturnType<typeof gate>>) =>
  run.result.checks.filter((c) => !c.passed).map((c) => c.id);

describe('sentinel gate', () => {
  it('passes a candidate with a good report and a VERSIONS.md line, and records the baseline', async () => {
    const run = await gate(wire());
    expect(run.result.passed).toBe(true);
    expect(run.result.candidate).toEqual(BAD);
    const baseline = JSON.parse(await readFile(run.baseline.location, 'utf8'));
    expect(run.baseline.location).toBe(join(dir, 'state', 'baselines', 'gemini-2.0-flash%7C2.0%7Cv3.json'));
    expect(baseline).toMatchObject({
      passed: true,
      criticalPrecision: 0.974359,
      criticalRecall: 0.95,
      otpInCritical: 0,
    });
  });

  it('fails on low precision, on low recall, and on an OTP in critical', async () => {
    expect(failed(await gate(wire({ critical: { tp: 170, fp: 10, fn: 10 } })))).toEqual([
      'critical_precision',
    ]);
    expect(failed(await gate(wire({ critical: { tp: 160, fp: 5, fn: 30 } })))).toEqual(['critical_recall']);
    expect(failed(await gate(wire({ otpInCritical: 1 })))).toEqual(['otp_in_critical']);
  });

  it('fails when the report has no OTP count, and says why', async () => {
    const { otpInCritical: _, ...withoutOtp } = wire();
    const run = await gate(withoutOtp);
    expect(failed(run)).toEqual(['otp_in_critical']);
    expect(run.result.checks.find((c) => c.id === 'otp_in_critical')?.reason).toMatch(
      /no otpInCritical count/,
    );
  });

  it('fails without a report of the candidate, or without a VERSIONS.md entry', async () => {
    expect(failed(await gate(undefined))).toEqual(['gds_report']);
    expect(
      failed(await gate(wire({ version: { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' } }))),
    ).toEqual(['gds_report']);
    await writeFile(join(dir, 'OTHER.md'), '- prompt v30 and gemini-2.0-flash\n- v3 alone\n');
    expect(failed(await gate(wire(), join(dir, 'OTHER.md')))).toEqual(['versions_log']);
    expect(failed(await gate(wire(), join(dir, 'MISSING.md')))).toEqual(['versions_log']);
  });

  it('rejects a malformed report with the entry and field named', async () => {
    await expect(gate(wire({ critical: { tp: -1, fp: 0, fn: 0 } }))).rejects.toThrow(
      /entry 1: critical\.tp: must not be negative/,
    );
  });

  it('matches version tokens whole', () => {
    expect(mentions('prompt v3.', 'v3')).toBe(true);
    expect(mentions('prompt v3.1', 'v3')).toBe(false);
    expect(mentions('prompt v30', 'v3')).toBe(false);
    expect(mentions('(gemini-2.0-flash)', 'gemini-2.0-flash')).toBe(true);
  });
});

describe('sentinel shadow', () => {
  const at = (days: number) => START + days * DAY;
  const compare = (events: ReturnType<typeof shadowHistory>, days: number) =>
    compareShadow(events, { candidate: { prompt: 'v3' }, at: at(days), policy: DEFAULT_POLICY });

  it('passes 4 days of 200 agreeing emails a day at 1.2× cost', () => {
    const report = compare(shadowHistory({ days: 4, perDay: 200 }), 4);
    expect(report.verdict).toBe('pass');
    expect(report.pairedEmails).toBe(800);
    expect(report.agreementRate).toBe(1);
    expect(report.cost.ratio).toBe(1.2);
    expect(report.latency.ratio).toBe(1.2);
    expect(report.confusion.critical.critical).toBe(120);
    expect(report.spanMinutes).toBeGreaterThanOrEqual(3 * 1440);
  });

  it('says not enough data with 2 days, or with too few paired emails', () => {
    expect(compare(shadowHistory({ days: 2, perDay: 400 }), 2).verdict).toBe('not_enough_data');
    const thin = compare(shadowHistory({ days: 4, perDay: 100 }), 4);
    expect(thin.verdict).toBe('not_enough_data');
    expect(thin.checks.find((c) => c.id === 'paired_emails')?.status).toBe('not_enough_data');
  });

  it('fails on one OTP in critical, however little data', () => {
    const events = shadowHistory({
      days: 1,
      perDay: 50,
      candidate: (index) => (index === 7 ? { importance: 'critical', otp: true } : {}),
    });
    const report = compare(events, 1);
    expect(report.verdict).toBe('fail');
    expect(report.otpInCritical).toBe(1);
  });

  it('fails on a 10 pp shift of routine to critical, and on 3× cost', () => {
    // emails 9 and 19 of every 20 are routine live; the candidate calls them critical: 10 pp
    const shifted = shadowHistory({
      days: 4,
      perDay: 200,
      candidate: (index, live) => (live === 'routine' && index % 10 === 9 ? { importance: 'critical' } : {}),
    });
    const report = compare(shifted, 4);
    expect(report.distribution.critical.diffPp).toBe(10);
    expect(report.distribution.routine.diffPp).toBe(-10);
    expect(report.verdict).toBe('fail');
    expect(report.confusion.routine.critical).toBe(80);
    const costly = compare(shadowHistory({ days: 4, perDay: 200, candidate: () => ({ costUsd: 0.003 }) }), 4);
    expect(costly.cost.ratio).toBe(3);
    expect(costly.verdict).toBe('fail');
  });

  it('pairs by the live event id, ignoring other candidates and shadow events after --at', () => {
    const events = shadowHistory({ days: 4, perDay: 200 });
    const other = compareShadow(events, { candidate: { prompt: 'v9' }, at: at(4), policy: DEFAULT_POLICY });
    expect(other.pairedEmails).toBe(0);
    expect(other.verdict).toBe('not_enough_data');
    const early = compareShadow(events, { candidate: { prompt: 'v3' }, at: at(1), policy: DEFAULT_POLICY });
    expect(early.pairedEmails).toBe(200);
  });
});

describe('CLI exit codes', () => {
  const run = promisify(execFile);
  const cli = (args: string[]) =>
    run('node', ['bin/sentinel.js', ...args], { cwd: process.cwd() }).then(
      (out) => ({ code: 0, stdout: out.stdout, stderr: out.stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('gate exits 0 on pass and 1 on fail; a missing file is named; backtest reads a file', async () => {
    await writeFile(join(dir, 'gds.json'), JSON.stringify(wire()));
    const base = ['gate', '--version-file', join(dir, 'versioning.py'), '--state-dir', join(dir, 'state')];
    const pass = await cli([
      ...base,
      '--gds',
      join(dir, 'gds.json'),
      '--versions-log',
      join(dir, 'VERSIONS.md'),
      '--json',
    ]);
    expect(pass.code).toBe(0);
    expect(JSON.parse(pass.stdout).passed).toBe(true);
    const fail = await cli([...base, '--versions-log', join(dir, 'VERSIONS.md')]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/gds_report\s+FAIL/);
    const missing = await cli([...base, '--gds', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--gds: cannot read .*nope\.json \(ENOENT\)/);
    // Without --version-file the policy's repository.versionFile is read (none here: exit 1, named).
    const defaulted = await cli(['gate']);
    expect(defaulted.code).toBe(1);
    expect(defaulted.stderr).toMatch(/--version-file: cannot read shopq\/versioning\.py/);
    const usage = await cli(['gate', '--no-such-option']);
    expect(usage.code).toBe(2);

    await writeFile(join(dir, 'shadow.jsonl'), toJsonl(shadowHistory({ days: 1, perDay: 100 })));
    const backtest = await cli([
      'backtest',
      '--events',
      join(dir, 'shadow.jsonl'),
      '--json',
      '--svg',
      join(dir, 'b.svg'),
    ]);
    expect(backtest.code).toBe(0);
    const report = JSON.parse(backtest.stdout).report;
    expect(report.versions.map((v: { version: { prompt: string } }) => v.version.prompt)).toEqual(['v2']);
    expect(await readFile(join(dir, 'b.svg'), 'utf8')).toMatch(/^<svg/);
    const shadow = await cli(['shadow', '--events', join(dir, 'shadow.jsonl'), '--candidate-prompt', 'v3']);
    expect(shadow.code).toBe(1);
    expect(shadow.stdout).toMatch(/NOT ENOUGH DATA/);
  });
});
