import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { V1_PROMPT } from '../../functions/local/demo/app-repo.ts';
import { type DemoSummary, runDemo } from '../../functions/local/demo/run-demo.ts';
import { pngFacts, RSVG } from '../support/png.ts';

const git = async (dir: string, ...args: string[]) =>
  (await promisify(execFile)('git', ['-C', dir, ...args])).stdout;

/**
 * The whole story on the real local parts: dynalite, the synthesized state machine run by
 * aws-local-stepfunctions, the handler modules, a real Git repository and the deploy watcher.
 */
describe('the end-to-end demo (npm start)', () => {
  let dir: string;
  let summary: DemoSummary;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sentinel-demo-test-'));
    summary = await runDemo({ dir, log: (line) => lines.push(line) });
  }, 300_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('detects the OTP regression of prompt v2 and completes the rollback to v1 by procedure A', () => {
    expect(summary).toMatchObject({
      triggers: ['otp_in_critical'],
      fromVersion: { prompt: 'v2' },
      toVersion: { prompt: 'v1' },
      procedure: 'A',
      outcome: 'completed',
    });
    expect(summary.incidentId).toMatch(/^inc-/);
    expect(summary.detectionToCommitMs).toBeGreaterThan(0);
  });

  it('leaves one revert commit on main with v1 restored byte for byte, trailers and a VERSIONS.md line', async () => {
    const app = join(dir, 'app');
    const head = (await git(app, 'rev-parse', 'main')).trim();
    expect(head).toBe(summary.commit);
    const message = await git(app, 'log', '-1', '--format=%B', 'main');
    expect(message).toMatch(/^rollback: Revert prompt to v1 due to /);
    expect(message).toContain(`Rollback-Incident: ${summary.incidentId}`);
    expect(message).toContain('Rollback-Trigger: otp_in_critical');
    expect(await git(app, 'show', 'main:shopq/versioning.py')).toContain('PROMPT_VERSION = "v1"');
    expect(await git(app, 'show', 'main:shopq/prompts/classifier_prompt.txt')).toBe(V1_PROMPT);
    const versions = await git(app, 'show', 'main:VERSIONS.md');
    expect(
      versions.split('\n').filter((line) => line.includes(`rollback ${summary.incidentId}`)),
    ).toHaveLength(1);
    const rollbackCommits = await git(
      app,
      'log',
      '--format=%H',
      `--grep=Rollback-Incident: ${summary.incidentId}`,
      'main',
    );
    expect(rollbackCommits.trim().split('\n')).toHaveLength(1);
  });

  it('passes all three verification stages, in order, and writes the RCA draft with its chart', async () => {
    const verified = lines
      .filter((line) => /✔ Verify\w+: pass/.test(line))
      .map((line) => /Verify\w+/.exec(line)?.[0]);
    expect(verified).toEqual(['VerifyImmediate', 'VerifyShortTerm', 'VerifyLongTerm']);
    expect(summary.rcaPath).not.toBeNull();
    const rca = await readFile(summary.rcaPath as string, 'utf8');
    for (const section of [
      '## 1. Incident Summary',
      '## 2. Timeline',
      '## 3. Root Cause',
      '## 4. Lessons Learned',
      '## 5. Action Items',
    ]) {
      expect(rca).toContain(section);
    }
    expect(rca).toContain('-PROMPT_VERSION = "v2"');
    expect(rca).not.toMatch(/verification code is \d+/i);
    const chart = await readFile(join(dir, 'rca', `${summary.incidentId}-chart.svg`), 'utf8');
    expect(chart).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it('paged for the P0 trigger and announced the finished rollback', async () => {
    const pages = (await readFile(join(dir, 'notifications', 'pages.jsonl'), 'utf8')).trim().split('\n');
    const alerts = (await readFile(join(dir, 'notifications', 'alerts.jsonl'), 'utf8')).trim().split('\n');
    // The OTP alarm's own SNS action pages too (no attributes); which lands first is a race.
    expect(pages.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({
        attributes: expect.objectContaining({ severity: 'P0', incidentId: summary.incidentId }),
      }),
    );
    expect(alerts.map((line) => JSON.parse(line).subject)).toContainEqual(
      expect.stringMatching(/^\[Resolved\]/),
    );
  });

  it('states an incident duration under one hour (bad version live → restored live), and times to detect and restore', async () => {
    const rca = await readFile(summary.rcaPath as string, 'utf8');
    const duration = /\*\*Duration of Incident\*\*: (.+)/.exec(rca)?.[1] ?? '';
    expect(duration, duration).toMatch(/^\d{1,2} min\b/);
    expect(rca).toMatch(/\*\*Time to detect\*\*: \d/);
    expect(rca).toMatch(/\*\*Time to restore\*\*: \d/);
  });

  it.runIf(RSVG !== undefined)('has a chart that renders to a 640-wide, non-blank PNG', async () => {
    const svg = join(
      dir,
      'rca',
      (await readdir(join(dir, 'rca'))).find((name) => name.endsWith('.svg')) ?? 'missing.svg',
    );
    const png = join(dir, 'rca', 'chart.png');
    await promisify(execFile)(RSVG as string, ['-o', png, svg]);
    const facts = pngFacts(await readFile(png));
    expect(facts.signature).toBe('89504e470d0a1a0a');
    expect(facts.width).toBe(640);
    expect(facts.distinctBytes).toBeGreaterThan(40);
  });
});

describe('a manual rollback (sentinel rollback --stack) runs the same workflow to completion', () => {
  let dir: string;
  let summary: DemoSummary;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sentinel-demo-manual-'));
    summary = await runDemo({ dir, log: () => undefined, scenario: 'manual' });
  }, 300_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('commits the revert, verifies three stages and completes, with the operator and reason on record', async () => {
    expect(summary).toMatchObject({
      triggers: [],
      fromVersion: { prompt: 'v2' },
      toVersion: { prompt: 'v1' },
      procedure: 'A',
      outcome: 'completed',
    });
    expect(summary.incidentId).toMatch(/^inc-manual-/);
    const message = await git(join(dir, 'app'), 'log', '-1', '--format=%B', 'main');
    expect(message).toContain(
      'manual request by demo-operator: customers report odd priorities since prompt v2',
    );
    expect(message).toContain(`Rollback-Incident: ${summary.incidentId}`);
    const alerts = (await readFile(join(dir, 'notifications', 'alerts.jsonl'), 'utf8')).trim().split('\n');
    const subjects = alerts.map((line) => JSON.parse(line).subject as string);
    expect(subjects[0]).toMatch(/^\[Manual rollback\] shopq-classifier v2 by demo-operator/);
    expect(subjects).toContainEqual(expect.stringMatching(/^\[Resolved\]/));
    const rca = await readFile(summary.rcaPath as string, 'utf8');
    expect(rca).toContain('manual rollback requested by demo-operator');
  });
});

describe('a manual trigger (demo --scenario drift) waits for a person, who approves through the signed link', () => {
  let dir: string;
  let summary: DemoSummary;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sentinel-demo-drift-'));
    summary = await runDemo({ dir, log: (line) => lines.push(line), scenario: 'drift' });
  }, 300_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('asks once, is approved through the approval Lambda, then reverts and completes', async () => {
    expect(summary).toMatchObject({
      triggers: ['distribution_drift'],
      toVersion: { prompt: 'v1' },
      outcome: 'completed',
    });
    expect(lines.some((line) => line.includes('approved through the signed link'))).toBe(true);
    expect(lines.findIndex((line) => line.includes('→ WaitForApproval'))).toBeLessThan(
      lines.findIndex((line) => line.includes('→ RevertCommit')),
    );
    const alerts = (await readFile(join(dir, 'notifications', 'alerts.jsonl'), 'utf8')).trim().split('\n');
    const requests = alerts
      .map((line) => JSON.parse(line).subject as string)
      .filter((subject) => /Approve\?/.test(subject));
    expect(requests).toHaveLength(1);
  });
});
