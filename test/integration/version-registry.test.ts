/**
 * The version registry on dynalite: sightings folded in, statuses, ChooseTarget's preference
 * (registry-stable before tags, rolled-back versions skipped), procedure B's GDS gate, the
 * quarantine page once per re-appearance, and WaitForDeploy's commit checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubRepo } from '../../functions/adapters/github-repo.ts';
import { LocalGitRepo } from '../../functions/adapters/local-git-repo.ts';
import { aggregateEvents } from '../../functions/core/aggregate.ts';
import { parseEvent, type SentinelEvent } from '../../functions/core/events.ts';
import { evaluateAndDispatch } from '../../functions/core/incident/evaluate-and-dispatch.ts';
import type { Incident } from '../../functions/core/incident/incident.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../functions/core/policy.ts';
import type { Version } from '../../functions/core/version.ts';
import { GdsGateError } from '../../functions/core/versions/registry.ts';
import { CommitChecksFailedError, checkDeploy } from '../../functions/core/workflow/check-deploy.ts';
import { complete } from '../../functions/core/workflow/complete.ts';
import { chooseTarget, revertCommit } from '../../functions/core/workflow/revert.ts';
import type { WorkflowState } from '../../functions/core/workflow/state.ts';
import { localControl } from '../../functions/local/control.ts';
import { LocalGitHubServer } from '../../functions/local/github-server.ts';
import { type LocalStore, openLocalStore } from '../../functions/local/local-store.ts';
import type { SourceRepository } from '../../functions/ports.ts';
import { openRollbackIncident, RecordingNotifier } from '../support/incidents.ts';
import { CLASSIFIER, createShopqRepo, STABLE_TAG } from '../support/shopq-repo.ts';

const T0 = Date.parse('2026-11-27T12:00:00Z');
const MINUTE = 60_000;
const FLASH = { model: 'gemini-2.0-flash', modelVersion: '2.0' };
const V0: Version = { ...FLASH, prompt: 'v0' };
const V1: Version = { ...FLASH, prompt: 'v1' };
const V2: Version = { ...FLASH, prompt: 'v2' };
const OLD_MODEL: Version = { model: 'gemini-1.5-flash', modelVersion: '1.5', prompt: 'v1' };
const NEW_MODEL: Version = { ...FLASH, prompt: 'v1' };

let sequence = 0;
const nextId = (prefix: string) => {
  sequence += 1;
  return `${prefix}-${sequence}`;
};
function event(raw: Record<string, unknown>): SentinelEvent {
  const parsed = parseEvent({ id: nextId('ev'), ...raw }, 0);
  if (!parsed.ok) throw new Error(parsed.rejection.message);
  return parsed.event;
}
const classification = (version: Version, ts: number) =>
  event({
    type: 'classification',
    ts: new Date(ts).toISOString(),
    version,
    importance: 'routine',
    snippet: 'hi',
  });
const gdsReport = (version: Version, ts: number, critical: { tp: number; fp: number; fn: number }) =>
  event({ type: 'gds_report', ts: new Date(ts).toISOString(), version, dataset: 'gds-v3', critical });

async function ingest(local: LocalStore, events: SentinelEvent[]): Promise<void> {
  await local.store.applyBatch(nextId('batch'), aggregateEvents(events));
}

const incidentFor = (id: string, version: Version, service = 'shopq'): Incident =>
  openRollbackIncident(id, version, service, T0);

const stateOf = (incident: Incident): WorkflowState => ({
  incidentId: incident.id,
  service: incident.service,
  version: incident.version,
  decision: incident.decision,
  triggers: [],
});

describe('version registry on dynalite', () => {
  let local: LocalStore;
  let now = T0;
  const clock = { now: () => new Date(now) };
  beforeAll(async () => {
    local = await openLocalStore();
  });
  afterAll(async () => {
    await local.close();
  });

  const revertDeps = (repo: SourceRepository) => ({
    repo,
    incidents: local.incidents,
    metrics: local.store,
    clock,
    policy: DEFAULT_POLICY,
    versions: local.versions,
  });

  it('folds ingest sightings in; tags never override a rolled-back verdict; tag-only versions are not sightings', async () => {
    await ingest(local, [classification(V0, T0 - 300 * MINUTE), classification(V0, T0 - 200 * MINUTE)]);
    await ingest(local, [classification(V2, T0 - 10 * MINUTE)]);
    const tagOnly: Version = { ...FLASH, prompt: 'tag-only' };
    expect(
      await local.versions.markStable(tagOnly, { how: 'tag', tag: 'x-stable' }, clock.now(), 'abc'),
    ).toBe(true);
    await local.versions.markRolledBack(V2, 'inc-a', clock.now());
    expect(await local.versions.markStable(V2, { how: 'tag', tag: 'v2-stable' }, clock.now(), 'def')).toBe(
      false,
    );

    const v0 = await local.versions.get(V0);
    expect(v0).toMatchObject({ status: 'active', firstSeen: T0 - 300 * MINUTE, lastSeen: T0 - 200 * MINUTE });
    expect(await local.versions.get(V2)).toMatchObject({ status: 'rolled_back', rolledBackBy: 'inc-a' });
    expect(await local.versions.get(tagOnly)).toMatchObject({ status: 'stable', commit: 'abc' });
    // The metrics store's sightings stay what ingest saw: the tag-only item is not traffic.
    const sightings = await local.store.listVersionSightings();
    expect(sightings.map((s) => s.version.prompt).sort()).toEqual(['v0', 'v2']);
  });

  it('records a gate baseline on the version item without touching its sightings or status', async () => {
    const candidate: Version = { ...FLASH, prompt: 'gate-candidate' };
    const baseline = {
      version: candidate,
      versionKey: 'k',
      recordedAt: new Date(T0).toISOString(),
      source: 'gate' as const,
      criticalPrecision: 0.97,
      criticalRecall: 0.9,
      otpInCritical: 0,
      report: null,
      shadow: { verdict: 'pass', agreementRate: null, costRatio: 1.2 },
    };
    expect(await local.versions.baseline(candidate)).toBeUndefined();
    await local.versions.recordBaseline(candidate, baseline, clock.now());
    expect(await local.versions.baseline(candidate)).toEqual(baseline);
    // Not traffic yet: no sighting, status active, and listed with its baseline.
    expect((await local.store.listVersionSightings()).map((s) => s.version.prompt)).not.toContain(
      'gate-candidate',
    );
    const listed = (await local.versions.list()).find((r) => r.version.prompt === 'gate-candidate');
    expect(listed).toMatchObject({ status: 'active', baseline });
    await ingest(local, [classification(candidate, T0 - 5 * MINUTE)]);
    expect(await local.versions.get(candidate)).toMatchObject({ firstSeen: T0 - 5 * MINUTE, baseline });
  });

  it('ChooseTarget prefers the newest registry-stable version older than the bad one, then tags', async () => {
    const fixture = await createShopqRepo('prompt');
    const separate = await openLocalStore();
    try {
      const repo = new LocalGitRepo(fixture.dir);
      const deps = {
        ...revertDeps(repo),
        incidents: separate.incidents,
        metrics: separate.store,
        versions: separate.versions,
      };
      await separate.store.applyBatch(
        's',
        aggregateEvents([
          classification(V0, T0 - 300 * MINUTE),
          classification(V1, T0 - 200 * MINUTE),
          classification(V2, T0 - 10 * MINUTE),
        ]),
      );

      // No registry verdicts yet: the newest tag, which the registry then records as stable.
      const first = incidentFor('inc-choose-1', V2);
      await separate.incidents.openIncident(first);
      expect(await chooseTarget(deps, stateOf(first))).toMatchObject({
        version: V1,
        ref: STABLE_TAG,
        procedure: 'A',
      });
      expect(await separate.versions.get(V1)).toMatchObject({
        status: 'stable',
        stableVia: { how: 'tag', tag: STABLE_TAG },
        commit: fixture.stableSha,
      });
      await separate.incidents.releaseLock({ ...first, status: 'completed' });

      // v1 rolled back since: its tag is skipped, the older tag v1.1.0-stable (v0) is chosen.
      await separate.versions.markRolledBack(V1, 'inc-earlier', clock.now());
      const second = incidentFor('inc-choose-2', V2, 'shopq-2');
      await separate.incidents.openIncident(second);
      expect(await chooseTarget(deps, stateOf(second))).toMatchObject({ version: V0, ref: 'v1.1.0-stable' });

      // A registry-stable version (passed verification) wins over tags, at its recorded commit.
      const v0Sha = await repo.resolveRef('v1.1.0-stable');
      await separate.versions.markStable(
        V0,
        { how: 'verification', incidentId: 'inc-x' },
        clock.now(),
        v0Sha ?? undefined,
        true,
      );
      await separate.versions.markRolledBack(V1, 'inc-earlier', clock.now());
      const third = incidentFor('inc-choose-3', V2, 'shopq-3');
      await separate.incidents.openIncident(third);
      expect(await chooseTarget(deps, stateOf(third))).toMatchObject({ version: V0, ref: v0Sha });
      const recorded = await separate.incidents.get(third.id);
      expect(recorded?.timeline.at(-1)?.note).toContain('from registry');
    } finally {
      await separate.close();
      await fixture.cleanup();
    }
  });

  it('procedure B: a GDS report of the target below precision 0.95 / recall 0.85 stops ChooseTarget and RevertCommit', async () => {
    const fixture = await createShopqRepo('model');
    try {
      const repo = new LocalGitRepo(fixture.dir);
      // The classifier file names the model: a model reference, so the change is procedure B.
      const policy = parsePolicy({ repository: { modelReferenceFiles: [CLASSIFIER] } }, 'test');
      const deps = { ...revertDeps(repo), policy };
      await ingest(local, [gdsReport(OLD_MODEL, T0 - 100 * MINUTE, { tp: 90, fp: 10, fn: 5 })]);
      const blocked = incidentFor('inc-gds-1', NEW_MODEL, 'gds-1');
      await local.incidents.openIncident(blocked);
      await expect(chooseTarget(deps, stateOf(blocked))).rejects.toThrow(GdsGateError);

      // A newer, good report lets B through ...
      await ingest(local, [gdsReport(OLD_MODEL, T0 - 50 * MINUTE, { tp: 98, fp: 2, fn: 3 })]);
      const allowed = incidentFor('inc-gds-2', NEW_MODEL, 'gds-2');
      await local.incidents.openIncident(allowed);
      expect(await chooseTarget(deps, stateOf(allowed))).toMatchObject({
        version: OLD_MODEL,
        procedure: 'B',
      });

      // ... until an even newer one misses recall: RevertCommit re-checks and commits nothing.
      await ingest(local, [gdsReport(OLD_MODEL, T0 - MINUTE, { tp: 80, fp: 1, fn: 20 })]);
      await expect(revertCommit(deps, stateOf(allowed))).rejects.toThrow(/recall 0\.800/);
      expect(await repo.resolveRef('main')).toBe(fixture.headSha);
    } finally {
      await fixture.cleanup();
    }
  });

  it('pages once per re-appearance of a rolled-back version and marks the incident', async () => {
    const bad: Version = { model: 'quarantine-model', modelVersion: '9', prompt: 'v9' };
    const incident = incidentFor('inc-quarantine', bad, 'quarantine');
    await local.incidents.openIncident(incident);
    await ingest(local, [classification(bad, T0 - 60 * MINUTE)]);
    now = T0;
    await local.versions.markRolledBack(bad, incident.id, clock.now());
    const notifier = new RecordingNotifier();
    const starts: string[] = [];
    const deps = {
      metrics: local.store,
      incidents: local.incidents,
      workflow: {
        start: async (name: string) => {
          starts.push(name);
          return { executionId: name, alreadyStarted: false };
        },
      },
      clock,
      policy: DEFAULT_POLICY,
      versions: local.versions,
      notifier,
      ...localControl(local, clock),
    };
    const pagesFor = () => notifier.sent.filter((n) => n.subject.includes('quarantine-model'));

    now = T0 + 5 * MINUTE; // its old traffic alone is not a re-appearance
    await evaluateAndDispatch(deps);
    expect(pagesFor()).toHaveLength(0);

    await ingest(local, [classification(bad, T0 + 6 * MINUTE)]);
    now = T0 + 7 * MINUTE;
    await Promise.all(Array.from({ length: 5 }, () => evaluateAndDispatch(deps)));
    expect(pagesFor()).toHaveLength(1);
    expect(pagesFor()[0]).toMatchObject({
      topic: 'pages',
      attributes: { severity: 'P0', incidentId: incident.id },
    });

    // The same stretch of traffic goes on: no second page.
    await ingest(local, [classification(bad, T0 + 9 * MINUTE)]);
    now = T0 + 10 * MINUTE;
    await evaluateAndDispatch(deps);
    expect(pagesFor()).toHaveLength(1);

    // Quiet for longer than evaluator.activeWithin (15 min), then back: a new re-appearance.
    await ingest(local, [classification(bad, T0 + 40 * MINUTE)]);
    now = T0 + 41 * MINUTE;
    await evaluateAndDispatch(deps);
    expect(pagesFor()).toHaveLength(2);

    expect(await local.versions.get(bad)).toMatchObject({ status: 'quarantined', reappearances: 2 });
    const timeline = (await local.incidents.get(incident.id))?.timeline ?? [];
    expect(timeline.filter((entry) => entry.state === 'QuarantineBreached')).toHaveLength(2);
    // An active version that was never rolled back does not page.
    expect(notifier.sent.filter((n) => n.subject.includes('v0'))).toEqual([]);
  });

  it('Complete marks the bad version rolled_back and the restored one stable (verified)', async () => {
    const bad: Version = { model: 'complete-model', modelVersion: '3', prompt: 'v3' };
    const good: Version = { model: 'complete-model', modelVersion: '2', prompt: 'v2' };
    const incident: Incident = {
      ...incidentFor('inc-complete', bad, 'complete'),
      status: 'verifying',
      target: {
        version: good,
        ref: 'v2-stable',
        procedure: 'A',
        timing: { immediateSeconds: 1, shortTermSeconds: 1, longTermSeconds: 1 },
      },
      revert: {
        sha: 'f'.repeat(40),
        branch: 'main',
        alreadyDone: false,
        dryRun: false,
        committedAt: new Date(T0).toISOString(),
      },
    };
    await local.incidents.openIncident(incident);
    const deps = {
      incidents: local.incidents,
      metrics: local.store,
      notifier: new RecordingNotifier(),
      clock,
      policy: DEFAULT_POLICY,
      versions: local.versions,
    };
    await complete(deps, 'completed', stateOf(incident));
    expect(await local.versions.get(bad)).toMatchObject({ status: 'rolled_back', rolledBackBy: incident.id });
    expect(await local.versions.get(good)).toMatchObject({
      status: 'stable',
      stableVia: { how: 'verification', incidentId: incident.id },
      commit: 'f'.repeat(40),
    });
  });
});

describe('WaitForDeploy: live traffic and the commit checks', () => {
  let local: LocalStore;
  let now = T0;
  const clock = { now: () => new Date(now) };
  beforeAll(async () => {
    local = await openLocalStore();
  });
  afterAll(async () => {
    await local.close();
  });

  async function setup(service: string, sha: string) {
    const incident = incidentFor(`inc-deploy-${service}`, V2, service);
    await local.incidents.openIncident(incident);
    const state: WorkflowState = {
      ...stateOf(incident),
      target: {
        version: V1,
        ref: STABLE_TAG,
        procedure: 'A',
        timing: { immediateSeconds: 1, shortTermSeconds: 1, longTermSeconds: 1 },
      },
      revert: {
        sha,
        branch: 'main',
        alreadyDone: false,
        dryRun: false,
        committedAt: new Date(T0).toISOString(),
      },
    };
    return state;
  }

  it('LocalGitRepo reports no checks ("none"): deployed as soon as the target is live', async () => {
    const fixture = await createShopqRepo('prompt');
    try {
      const state = await setup('local', fixture.headSha);
      const deps = {
        incidents: local.incidents,
        metrics: local.store,
        clock,
        policy: DEFAULT_POLICY,
        repo: new LocalGitRepo(fixture.dir),
      };
      now = T0 + MINUTE;
      expect((await checkDeploy(deps, state)).deployed).toBe(false);
      await ingest(local, [classification(V1, T0 + 2 * MINUTE)]);
      now = T0 + 3 * MINUTE;
      expect((await checkDeploy(deps, state)).deployed).toBe(true);
    } finally {
      await fixture.cleanup();
    }
  });

  it('GitHub: live but checks pending is not deployed; success is; a failure escalates', async () => {
    const fixture = await createShopqRepo('prompt');
    const server = await LocalGitHubServer.fromRepository(fixture.dir);
    try {
      const repo = new GitHubRepo({
        owner: server.owner,
        repo: server.repo,
        token: server.token,
        baseUrl: server.baseUrl,
        log: { debug() {}, info() {}, warn() {}, error() {} },
      });
      const state = await setup('github', fixture.headSha);
      const deps = { incidents: local.incidents, metrics: local.store, clock, policy: DEFAULT_POLICY, repo };
      await ingest(local, [classification(V1, T0 + 2 * MINUTE)]);
      now = T0 + 3 * MINUTE;
      server.statuses.set(fixture.headSha, [{ state: 'pending' }]);
      expect((await checkDeploy(deps, state)).deployed).toBe(false);
      server.statuses.set(fixture.headSha, [{ state: 'success' }]);
      expect((await checkDeploy(deps, state)).deployed).toBe(true);
      server.statuses.set(fixture.headSha, [{ state: 'failure' }]);
      await expect(checkDeploy(deps, state)).rejects.toThrow(CommitChecksFailedError);
      expect(server.unknownRequests()).toEqual([]);
    } finally {
      await server.stop();
      await fixture.cleanup();
    }
  });
});
