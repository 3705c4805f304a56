import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentinel } from '../support/cli.ts';

/**
 * `sentinel evaluate --events F --at T --json` as a script sees it: the real launcher in a child
 * process, the JSON contract of ARCHITECTURE.md §4, one scenario per trigger outcome.
 */
const AT = '2026-11-27T12:00:00Z';
const at = Date.parse(AT);
const V2 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
const TRIGGER_IDS = [
  'otp_in_critical',
  'critical_precision',
  'critical_recall',
  'fp_budget',
  'latency_p95',
  'cost_spike',
  'distribution_drift',
  'data_freshness',
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sentinel-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Event = Record<string, unknown>;
const iso = (ms: number) => new Date(ms).toISOString();

/** `count` classifications spread over the hour before `at`, a share of them critical. */
function emails(
  count: number,
  options: { criticalShare?: number; extra?: Event; prefix?: string; hoursBefore?: number } = {},
): Event[] {
  const critical = Math.round(count * (options.criticalShare ?? 0.15));
  const timeSensitive = Math.round(count * 0.25);
  return Array.from({ length: count }, (_, index) => ({
    type: 'classification',
    id: `${options.prefix ?? 'e'}-${index}`,
    ts: iso(at - (options.hoursBefore ?? 1) * 3_600_000 + Math.floor((index * 3_600_000) / count)),
    version: V2,
    importance:
      index < critical ? 'critical' : index < critical + timeSensitive ? 'time_sensitive' : 'routine',
    costUsd: 0.001,
    ...options.extra,
  }));
}

async function evaluate(name: string, events: Event[], extraLines: string[] = []) {
  const file = join(dir, `${name}.jsonl`);
  await writeFile(file, [...events.map((event) => JSON.stringify(event)), ...extraLines].join('\n'));
  const { code, stdout, stderr } = await sentinel(['evaluate', '--events', file, '--at', AT, '--json']);
  if (code !== 0) throw new Error(`sentinel evaluate exited ${code}: ${stderr}`);
  const parsed = JSON.parse(stdout) as {
    at: string;
    version: typeof V2;
    decision: string;
    triggers: Record<string, unknown>[];
  };
  const byId = Object.fromEntries(parsed.triggers.map((trigger) => [trigger.id, trigger]));
  return { parsed, byId, stderr };
}

describe('sentinel evaluate --json (contract)', () => {
  it('OTP in critical breaches and rolls back; the shape holds all seven triggers with every field', async () => {
    const events = emails(120);
    Object.assign(events[0] as Event, { snippet: 'Your verification code is 123456' });
    Object.assign(events[1] as Event, { otp: true });
    const { parsed, byId } = await evaluate('otp', events);
    expect(Object.keys(parsed).sort()).toEqual(['at', 'decision', 'triggers', 'version']);
    expect(parsed.version).toEqual(V2);
    expect(Date.parse(parsed.at)).toBe(at);
    expect(parsed.decision).toBe('rollback');
    expect(parsed.triggers.map((trigger) => trigger.id)).toEqual(TRIGGER_IDS);
    for (const trigger of parsed.triggers) {
      for (const field of ['id', 'kind', 'outcome', 'value', 'threshold', 'samples', 'window', 'reason']) {
        expect(trigger, `${trigger.id}.${field}`).toHaveProperty(field);
      }
    }
    expect(byId.otp_in_critical).toMatchObject({
      kind: 'automatic',
      outcome: 'breach',
      value: 2,
      threshold: 0,
      samples: 120,
      window: '24h',
    });
    expect(JSON.stringify(parsed)).not.toContain('123456');
  });

  it.each([
    ['breach', { tp: 171, fp: 25, fn: 21 }, 'rollback'],
    ['warning', { tp: 171, fp: 12, fn: 21 }, 'watch'],
    ['inconclusive', { tp: 10, fp: 2, fn: 1 }, 'none'],
  ])('critical precision %s from the latest GDS report', async (outcome, critical, decision) => {
    const report = {
      type: 'gds_report',
      id: 'g-1',
      ts: iso(at - 3_600_000),
      version: V2,
      dataset: 'gds-1',
      critical,
    };
    const stale = { ...report, id: 'g-0', ts: iso(at - 8 * 86_400_000), critical: { tp: 1, fp: 99, fn: 0 } };
    const { parsed, byId } = await evaluate(`precision-${outcome}`, [stale, report]);
    expect(byId.critical_precision).toMatchObject({ outcome, threshold: 0.9, window: '7d' });
    expect(parsed.decision).toBe(decision);
  });

  it('critical recall below 0.80 rolls back', async () => {
    const report = {
      type: 'gds_report',
      id: 'g-r',
      ts: iso(at - 60_000),
      version: V2,
      dataset: 'gds-1',
      critical: { tp: 150, fp: 5, fn: 50 },
    };
    const { parsed, byId } = await evaluate('recall', [report]);
    expect(byId.critical_recall).toMatchObject({ outcome: 'breach', value: 0.75, samples: 200 });
    expect(parsed.decision).toBe('rollback');
  });

  it('the false-positive budget counts per 100 classified emails and asks a human', async () => {
    const events = emails(100);
    const corrections = Array.from({ length: 6 }, (_, index) => ({
      type: 'correction',
      id: `c-${index}`,
      ts: iso(at - 60_000),
      version: V2,
      emailId: `e-${index}`,
      oldImportance: 'critical',
      newImportance: 'routine',
    }));
    const { parsed, byId } = await evaluate('fp', [...events, ...corrections]);
    expect(byId.fp_budget).toMatchObject({
      kind: 'manual',
      outcome: 'breach',
      value: 6,
      threshold: 5,
      samples: 100,
    });
    // The contract's one extension: a Wilson interval (95 %) on the value's scale, after the old fields.
    const fp = byId.fp_budget as { interval: [number, number]; reason: string };
    expect(Object.keys(fp).at(-1)).toBe('interval');
    expect(fp.interval[0]).toBeCloseTo(2.78, 2);
    expect(fp.interval[1]).toBeCloseTo(12.48, 2);
    expect(fp.reason).toContain('95 % CI 2.8–12.5');
    expect(byId.otp_in_critical).not.toHaveProperty('interval');
    expect(parsed.decision).toBe('investigate');
  });

  it.each([
    [35, 'breach', 'investigate'],
    [15, 'warning', 'watch'],
    [5, 'ok', 'none'],
  ])('latency p95 above 3 s for %i minutes is a %s', async (minutes, outcome, decision) => {
    const events: Event[] = [];
    for (let minute = 0; minute < 60; minute += 1) {
      const slow = minute >= 60 - minutes;
      for (let sample = 0; sample < 5; sample += 1) {
        events.push({
          type: 'classification',
          id: `l-${minute}-${sample}`,
          ts: iso(at - (59 - minute) * 60_000),
          version: V2,
          importance: sample === 0 ? 'critical' : sample === 1 ? 'time_sensitive' : 'routine',
          latencyMs: slow ? 4000 : 800,
        });
      }
    }
    const { parsed, byId } = await evaluate(`latency-${minutes}`, events);
    expect(byId.latency_p95).toMatchObject({ outcome, value: minutes, threshold: 30 });
    expect(parsed.decision).toBe(decision);
  });

  it('a cost spike above 2× the baseline asks a human', async () => {
    const { parsed, byId } = await evaluate('cost', emails(100, { extra: { costUsd: 0.0025 } }));
    expect(byId.cost_spike).toMatchObject({ outcome: 'breach', value: 2.5, threshold: 2, samples: 100 });
    expect(parsed.decision).toBe('investigate');
  });

  it.each([
    [0.3, 'breach', 'investigate'],
    [0.22, 'warning', 'watch'],
  ])('a critical share of %f drifts into %s', async (criticalShare, outcome, decision) => {
    const { parsed, byId } = await evaluate(`drift-${criticalShare}`, emails(200, { criticalShare }));
    expect(byId.distribution_drift).toMatchObject({ outcome, samples: 200 });
    expect(parsed.decision).toBe(decision);
  });

  it('says so on stderr and in staleData when the newest event is older than the longest window', async () => {
    const { parsed, stderr } = await evaluate('stale', emails(120, { hoursBefore: 30 }));
    expect(stderr).toMatch(
      /warning: stale data: the newest event \(2026-11-26T06:59:\d\d\.\d{3}Z\) is older than the longest trigger window \(24h\) before 2026-11-27T12:00:00\.000Z/,
    );
    expect((parsed as unknown as { staleData: unknown }).staleData).toMatchObject({
      longestWindow: '24h',
      ageMinutes: 29 * 60,
    });
    expect(parsed.triggers.map((trigger) => trigger.id)).toEqual(TRIGGER_IDS);
    const fresh = await evaluate('fresh', emails(120));
    expect(fresh.stderr).not.toContain('stale data');
    expect(fresh.parsed).not.toHaveProperty('staleData');
    expect(fresh.byId.data_freshness).toMatchObject({ kind: 'manual', outcome: 'ok', threshold: 30 });
  });

  it('too little data is inconclusive with a null value, never ok, and decides nothing', async () => {
    const { parsed, byId } = await evaluate('thin', emails(3));
    expect(parsed.decision).toBe('none');
    expect(byId.fp_budget).toMatchObject({ outcome: 'inconclusive', samples: 3 });
    expect(byId.latency_p95).toMatchObject({ outcome: 'inconclusive', value: null });
    expect(byId.critical_precision).toMatchObject({ outcome: 'inconclusive', value: null });
  });

  it('reports invalid lines on stderr as "line N: field: problem" and still evaluates the valid ones', async () => {
    const events = emails(100);
    Object.assign(events[0] as Event, { otp: true });
    const { parsed, stderr } = await evaluate('mixed', events, [
      '{"type":"classification","id":"bad-1","ts":"yesterday","version":{"model":"m","modelVersion":"1","prompt":"p"},"importance":"critical"}',
      '{"type":"classification","id":"bad-2","ts":"2026-11-27T11:00:00Z","version":{"model":"m","modelVersion":"1","prompt":"p"},"importance":"urgent"}',
      'not json',
    ]);
    expect(stderr).toContain('line 101: ts: must be an ISO 8601 UTC timestamp');
    expect(stderr).toContain('line 102: importance: must be one of critical, time_sensitive, routine');
    expect(stderr).toMatch(/line 103: \(line\): not valid JSON/);
    expect(parsed.decision).toBe('rollback');
  });

  it('judges the named version, not the newest one, when the options say so', async () => {
    const v1 = { ...V2, prompt: 'v1' };
    const file = join(dir, 'two-versions.jsonl');
    const events = [
      ...emails(50, { prefix: 'old', hoursBefore: 3, extra: { version: v1, otp: true } }),
      ...emails(50),
    ];
    await writeFile(file, events.map((event) => JSON.stringify(event)).join('\n'));
    const args = ['evaluate', '--events', file, '--at', AT, '--json'];
    const newest = JSON.parse((await sentinel(args)).stdout);
    const named = JSON.parse((await sentinel([...args, '--prompt', 'v1'])).stdout);
    expect(newest.version.prompt).toBe('v2');
    expect(newest.decision).toBe('none');
    expect(named.version).toEqual(v1);
    expect(named.decision).toBe('rollback');
  });
});

describe('sentinel policy', () => {
  it('prints the defaults and names the bad field of a broken policy file with exit 1', async () => {
    const { stdout } = await sentinel(['policy', '--json']);
    expect(JSON.parse(stdout).triggers.fp_budget).toEqual({
      window: '24h',
      breachAbovePer100: 5,
      minEmails: 100,
    });
    const bad = join(dir, 'bad-policy.json');
    await writeFile(bad, JSON.stringify({ triggers: { latency_p95: { thresholdMs: -1 } } }));
    const failure = await sentinel(['policy', '--policy', bad]);
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain('triggers.latency_p95.thresholdMs: must be > 0');
  });
});
