import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatGate, gateCommand } from '../../../functions/cli/prevention/gate.ts';
import { DEFAULT_POLICY } from '../../../functions/core/policy.ts';
import { type Baseline, mentions } from '../../../functions/core/prevention/gate.ts';
import { compareShadow } from '../../../functions/core/prevention/shadow.ts';
import { sameVersion, type Version } from '../../../functions/core/version.ts';
import type { VersionRecord } from '../../../functions/core/versions/registry.ts';
import type { VersionRegistry } from '../../../functions/ports.ts';
import {
  BAD,
  DAY,
  GOOD,
  goodReport,
  START,
  shadowHistory,
  toJsonl,
} from '../../support/prevention-history.ts';

/** The registry as the gate uses it: list (previous stable baseline) and recordBaseline. */
class MemoryRegistry implements VersionRegistry {
  records: VersionRecord[] = [];
  writes = 0;
  find = (version: Version) => this.records.find((record) => sameVersion(record.version, version));
  list = async () => this.records;
  get = async (version: Version) => this.find(version);
  markStable = async () => false;
  markRolledBack = async () => {};
  claimReappearance = async () => false;
  recordBaseline = async (version: Version, baseline: Baseline) => {
    this.writes += 1;
    const record = this.find(version);
    if (record) record.baseline = baseline;
    else this.records.push({ version, status: 'active', baseline });
  };
  baseline = async (version: Version) => this.find(version)?.baseline;
}

const VERSIONING = `MODEL_NAME = "gemini-2.0-flash"\nMODEL_VERSION = "2.0"\nPROMPT_VERSION = "v3"\n`;
const LOG =
  '# Versions\n\n- 2026-11-19 gemini-2.0-flash 2.0 / prompt v2: baseline\n- 2026-11-25 gemini-2.0-flash / prompt v3: shorter instructions\n';

let dir: string;
let registry: MemoryRegistry;
const passingShadow = () =>
  compareShadow(shadowHistory({ days: 4, perDay: 200 }), {
    candidate: { prompt: 'v3' },
    at: START + 4 * DAY,
    policy: DEFAULT_POLICY,
  });
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sentinel-gate-'));
  await writeFile(join(dir, 'versioning.py'), VERSIONING);
  await writeFile(join(dir, 'VERSIONS.md'), LOG);
  await writeFile(join(dir, 'shadow.json'), JSON.stringify(passingShadow()));
  registry = new MemoryRegistry();
});

async function gate(
  report: object | undefined,
  log = join(dir, 'VERSIONS.md'),
  shadow: { shadow?: string; shadowEvents?: string; skipShadow?: { reason: string } } = {
    shadow: join(dir, 'shadow.json'),
  },
) {
  if (report !== undefined) await writeFile(join(dir, 'gds.json'), JSON.stringify(report));
  return gateCommand({
    versionFile: join(dir, 'versioning.py'),
    ...(report === undefined ? {} : { gds: join(dir, 'gds.json') }),
    versionsLog: log,
    ...shadow,
    versions: registry,
    policy: DEFAULT_POLICY,
    now: START,
  });
}
const wire = (extra = {}) => ({ ...goodReport(BAD, START), ts: new Date(START).toISOString(), ...extra });
const failed = (run: Awaited<ReturnType<typeof gate>>) =>
  run.result.checks.filter((c) => !c.passed).map((c) => c.id);

describe('sentinel gate', () => {
  it('passes a candidate with a good report, a VERSIONS.md line and a passing shadow; records the baseline', async () => {
    const run = await gate(wire());
    expect(run.result.passed).toBe(true);
    expect(run.result.candidate).toEqual(BAD);
    expect(run.result.checks.find((c) => c.id === 'shadow')).toMatchObject({ passed: true, value: 'pass' });
    expect(registry.writes).toBe(1);
    expect(await registry.baseline(BAD)).toMatchObject({
      criticalPrecision: 0.974359,
      criticalRecall: 0.95,
      otpInCritical: 0,
      shadow: { verdict: 'pass', agreementRate: 1, costRatio: 1.2 },
    });
    expect(run.baseline).toEqual(await registry.baseline(BAD));
  });

  it('fails with a failing or insufficient shadow comparison, or without one; records nothing', async () => {
    const failing = compareShadow(
      shadowHistory({ days: 4, perDay: 200, candidate: () => ({ costUsd: 0.003 }) }),
      { candidate: { prompt: 'v3' }, at: START + 4 * DAY, policy: DEFAULT_POLICY },
    );
    expect(failing.verdict).toBe('fail');
    await writeFile(join(dir, 'failing.json'), JSON.stringify(failing));
    const failed1 = await gate(wire(), undefined, { shadow: join(dir, 'failing.json') });
    expect(failed(failed1)).toEqual(['shadow']);
    expect(failed1.result.checks.find((c) => c.id === 'shadow')?.reason).toMatch(/not passed: cost_ratio/);
    expect(failed1.baseline).toBeNull();

    const thin = compareShadow(shadowHistory({ days: 2, perDay: 400 }), {
      candidate: { prompt: 'v3' },
      at: START + 2 * DAY,
      policy: DEFAULT_POLICY,
    });
    await writeFile(join(dir, 'thin.json'), JSON.stringify(thin));
    expect(failed(await gate(wire(), undefined, { shadow: join(dir, 'thin.json') }))).toEqual(['shadow']);

    const none = await gate(wire(), undefined, {});
    expect(failed(none)).toEqual(['shadow']);
    expect(none.result.checks.find((c) => c.id === 'shadow')?.reason).toMatch(/no shadow comparison given/);
    expect(registry.writes).toBe(0);
    expect(await registry.baseline(BAD)).toBeUndefined();
  });

  it('fails a passing shadow report of another version', async () => {
    const other = { ...passingShadow(), candidate: [GOOD] };
    await writeFile(join(dir, 'other.json'), JSON.stringify(other));
    const run = await gate(wire(), undefined, { shadow: join(dir, 'other.json') });
    expect(failed(run)).toEqual(['shadow']);
    expect(run.result.checks.find((c) => c.id === 'shadow')?.reason).toMatch(/compares .*prompt v2, not/);
  });

  it('computes the shadow comparison of the candidate from --shadow-events', async () => {
    await writeFile(join(dir, 'traffic.jsonl'), toJsonl(shadowHistory({ days: 4, perDay: 200 })));
    const run = await gate(wire(), undefined, { shadowEvents: join(dir, 'traffic.jsonl') });
    expect(run.result.passed).toBe(true);
    expect(run.result.checks.find((c) => c.id === 'shadow')?.reason).toMatch(/^800 paired emails/);
    await writeFile(join(dir, 'thin.jsonl'), toJsonl(shadowHistory({ days: 1, perDay: 200 })));
    expect(failed(await gate(wire(), undefined, { shadowEvents: join(dir, 'thin.jsonl') }))).toEqual([
      'shadow',
    ]);
  });

  it('passes with --no-shadow and a reason, recorded in the result, the baseline and the text', async () => {
    const run = await gate(wire(), undefined, { skipShadow: { reason: 'typo fix only' } });
    expect(run.result.passed).toBe(true);
    expect(run.result.shadowSkipped).toEqual({ reason: 'typo fix only' });
    expect(run.result.checks.find((c) => c.id === 'shadow')).toMatchObject({
      passed: true,
      value: 'skipped',
      reason: 'skipped (--no-shadow): typo fix only',
    });
    expect(run.baseline).toMatchObject({ shadow: null, shadowSkipped: { reason: 'typo fix only' } });
    expect(formatGate(run)).toMatch(/shadow comparison skipped: typo fix only/);
  });

  it('shows the delta against the previous stable version’s baseline', async () => {
    const none = await gate(wire());
    expect(none.delta).toBeNull();
    expect(formatGate(none)).toMatch(/no previous stable version has a baseline/);
    const previous = {
      ...(none.baseline as Baseline),
      version: GOOD,
      criticalPrecision: 0.96,
      criticalRecall: 0.97,
    };
    registry.records = [
      { version: GOOD, status: 'stable', lastSeen: START, baseline: previous },
      // an active version's baseline is not the reference, nor the candidate's own
      {
        version: { ...GOOD, prompt: 'v1' },
        status: 'active',
        lastSeen: START + 1,
        baseline: { ...previous, criticalPrecision: 0.5 },
      },
    ];
    const run = await gate(wire());
    expect(run.delta).toMatchObject({
      previous: GOOD,
      criticalPrecision: 0.014359,
      criticalRecall: -0.02,
      otpInCritical: 0,
    });
    expect(formatGate(run)).toMatch(
      /against the baseline of .*prompt v2 .*critical precision \+0\.014, recall -0\.020, OTP in critical \+0/,
    );
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

  it('gate --no-shadow passes with a reason and is a usage error without one', async () => {
    await writeFile(join(dir, 'gds.json'), JSON.stringify(wire()));
    const base = ['gate', '--version-file', join(dir, 'versioning.py'), '--state-dir', join(dir, 'state')];
    const waived = await cli([
      ...base,
      '--gds',
      join(dir, 'gds.json'),
      '--versions-log',
      join(dir, 'VERSIONS.md'),
      '--no-shadow',
      '--reason',
      'typo fix',
    ]);
    expect(waived.code).toBe(0);
    expect(waived.stdout).toMatch(/shadow comparison skipped: typo fix/);
    const noReason = await cli([...base, '--gds', join(dir, 'gds.json'), '--no-shadow']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--no-shadow needs --reason/);
    const stray = await cli([...base, '--gds', join(dir, 'gds.json'), '--reason', 'why']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/--reason is only for --no-shadow/);
  });

  it('gate exits 0 on pass and 1 on fail; a missing file is named; backtest reads a file', async () => {
    await writeFile(join(dir, 'gds.json'), JSON.stringify(wire()));
    const base = ['gate', '--version-file', join(dir, 'versioning.py'), '--state-dir', join(dir, 'state')];
    const pass = await cli([
      ...base,
      '--gds',
      join(dir, 'gds.json'),
      '--versions-log',
      join(dir, 'VERSIONS.md'),
      '--shadow',
      join(dir, 'shadow.json'),
      '--json',
    ]);
    expect(pass.code).toBe(0);
    expect(JSON.parse(pass.stdout).passed).toBe(true);
    expect(JSON.parse(pass.stdout).baseline.criticalRecall).toBe(0.95);
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
