/** `sentinel rollback` on a local Git repository: dry run, commit, and the clear errors. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitText, runGit } from '../../functions/adapters/git-cli.ts';
import { DirtyWorkTreeError, manualRollback, NotAGitRepositoryError } from '../../functions/cli/rollback.ts';
import { closeIncident, IncidentAlreadyClosedError } from '../../functions/core/incident/close.ts';
import { IncidentAlreadyOpenError } from '../../functions/core/incident/manual.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import { NoStableTargetError } from '../../functions/core/revert/errors.ts';
import { type LocalStore, openLocalStore } from '../../functions/local/local-store.ts';
import { createShopqRepo, type ShopqRepo, STABLE_TAG, VERSIONING } from '../support/shopq-repo.ts';

const V1 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v1' };
const V2 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };

describe('manual rollback (sentinel rollback)', () => {
  let local: LocalStore;
  let fixture: ShopqRepo;
  beforeEach(async () => {
    local = await openLocalStore();
    fixture = await createShopqRepo('prompt');
  });
  afterEach(async () => {
    await local.close();
    await fixture.cleanup();
  });
  const options = (dryRun: boolean, repoDir = fixture.dir) => ({
    reason: 'OTP emails in critical',
    dryRun,
    repoDir,
    policy: DEFAULT_POLICY,
    clock: { now: () => new Date('2026-11-27T12:00:00Z') },
    actor: 'tester@cli',
    incidents: local.incidents,
    metrics: local.store,
    versions: local.versions,
  });

  it('dry run: prints the diff it would commit and changes nothing (repository, incidents, registry)', async () => {
    const result = await manualRollback(options(true));
    expect(result).toMatchObject({
      dryRun: true,
      incidentId: null,
      commit: null,
      fromVersion: V2,
      toVersion: V1,
      procedure: 'A',
    });
    expect(result.diff).toContain(`--- a/${VERSIONING}`);
    expect(result.diff).toContain('-PROMPT_VERSION = "v2"');
    expect(result.diff).toContain('+PROMPT_VERSION = "v1"');
    expect(result.message).toContain('due to OTP emails in critical');
    expect(await gitText(fixture.dir, ['rev-parse', 'main'])).toBe(fixture.headSha);
    expect(await local.incidents.list()).toEqual([]);
    expect(await local.versions.list()).toEqual([]);
  });

  it('commits the revert with a fresh incident, records it, and marks the bad version rolled back', async () => {
    const result = await manualRollback(options(false));
    expect(result.commit?.sha).toBeDefined();
    const head = await gitText(fixture.dir, ['rev-parse', 'main']);
    expect(head).toBe(result.commit?.sha);
    const message = await gitText(fixture.dir, ['log', '-1', '--format=%B', 'main']);
    expect(message).toContain('rollback: Revert prompt to v1 due to OTP emails in critical');
    expect(message).toContain(`Rollback-Incident: ${result.incidentId}`);
    expect(message).toContain('Rollback-Trigger: manual');
    const incident = await local.incidents.get(result.incidentId ?? '');
    expect(incident).toMatchObject({
      version: V2,
      target: { version: V1, ref: STABLE_TAG },
      revert: { sha: head },
    });
    expect(incident?.timeline.map((entry) => entry.state)).toEqual([
      'ManualRollback',
      'ChooseTarget',
      'RevertCommit',
      'ManualRollback',
    ]);
    expect(await local.versions.get(V2)).toMatchObject({
      status: 'rolled_back',
      rolledBackBy: result.incidentId,
    });
    expect(await local.versions.get(V1)).toMatchObject({
      status: 'stable',
      stableVia: { how: 'tag', tag: STABLE_TAG },
    });
  });

  it('names what is wrong: not a Git repository, no stable target', async () => {
    const plain = await mkdtemp(join(tmpdir(), 'not-git-'));
    try {
      await expect(manualRollback(options(true, plain))).rejects.toThrow(NotAGitRepositoryError);
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
    // Head at the stable tag and no other stable version: nothing to roll back to.
    await runGit(fixture.dir, ['reset', '-q', '--hard', STABLE_TAG]);
    await runGit(fixture.dir, ['tag', '-d', 'v1.1.0-stable']);
    await expect(manualRollback(options(true))).rejects.toThrow(NoStableTargetError);
  });

  it('refuses a dirty work tree, naming the changed files, and commits nothing', async () => {
    await writeFile(join(fixture.dir, VERSIONING), 'MODEL_NAME = "edited"\n');
    const failure = await manualRollback(options(false)).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(DirtyWorkTreeError);
    expect((failure as Error).message).toContain(VERSIONING);
    expect(await gitText(fixture.dir, ['rev-parse', 'main'])).toBe(fixture.headSha);
    expect(await local.incidents.list()).toEqual([]);
  });

  it('sentinel incident close ends the manual incident with who and why, once, and frees the version', async () => {
    const result = await manualRollback(options(false));
    const id = result.incidentId ?? '';
    expect((await local.incidents.get(id))?.status).not.toBe('closed');
    const now = new Date('2026-11-27T13:00:00Z');
    const closed = await closeIncident(local.incidents, id, { by: 'alice', reason: 'verified by hand', now });
    expect(closed).toMatchObject({
      status: 'closed',
      outcome: 'closed',
      closure: { by: 'alice', reason: 'verified by hand' },
    });
    expect(closed.timeline.at(-1)).toMatchObject({ state: 'Closed', actor: 'alice' });
    await expect(closeIncident(local.incidents, id, { by: 'bob', reason: 'again', now })).rejects.toThrow(
      IncidentAlreadyClosedError,
    );
    // The lock is released: a new incident for the same version may open.
    const again = await manualRollback({
      ...options(false),
      clock: { now: () => new Date('2026-11-27T14:00:00Z') },
    }).catch((error: Error) => error);
    expect(again).not.toBeInstanceOf(IncidentAlreadyOpenError);
  });
});
