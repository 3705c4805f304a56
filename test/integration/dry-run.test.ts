import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalGitRepo } from '../../functions/adapters/local-git-repo.ts';
import { executionNameFor, type Incident } from '../../functions/core/incident/incident.ts';
import { parsePolicy } from '../../functions/core/policy.ts';
import {
  chooseTarget,
  RepositoryWritesDisabledError,
  revertCommit,
} from '../../functions/core/workflow/revert.ts';
import type { WorkflowState } from '../../functions/core/workflow/state.ts';
import { createDemoAppRepo } from '../../functions/local/demo/app-repo.ts';
import { type LocalStore, openLocalStore } from '../../functions/local/local-store.ts';

const git = async (dir: string, ...args: string[]) =>
  (await promisify(execFile)('git', ['-C', dir, ...args])).stdout.trim();

const AT = Date.parse('2026-11-27T10:00:00Z');
const v2 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };

/** Policy `mode: dry-run`: the revert is planned and recorded, and the repository is not touched. */
describe('dry-run mode on a real repository', () => {
  let dir: string;
  let local: LocalStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sentinel-dry-run-'));
    local = await openLocalStore();
  });
  afterAll(async () => {
    await local.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('records the planned change, commits nothing and fails so the workflow escalates', async () => {
    const app = join(dir, 'app');
    await createDemoAppRepo(app, new Date(AT));
    const headBefore = await git(app, 'rev-parse', 'main');
    const incident: Incident = {
      id: 'inc-dry-run',
      service: 'shopq-classifier',
      version: v2,
      decision: 'rollback',
      status: 'open',
      openedAt: new Date(AT).toISOString(),
      updatedAt: new Date(AT).toISOString(),
      triggers: [],
      executionName: executionNameFor('inc-dry-run'),
      verification: [],
      timeline: [],
    };
    await local.incidents.openIncident(incident);
    const state: WorkflowState = {
      incidentId: incident.id,
      service: incident.service,
      version: v2,
      decision: 'rollback',
      triggers: [],
    };
    const deps = {
      repo: new LocalGitRepo(app, { defaultBranch: 'main' }),
      incidents: local.incidents,
      clock: { now: () => new Date(AT + 60_000) },
      policy: parsePolicy({ mode: 'dry-run' }),
      metrics: local.store,
    };

    const target = await chooseTarget(deps, state);
    expect(target).toMatchObject({ version: { prompt: 'v1' }, ref: 'v1.2.0-stable', procedure: 'A' });
    await expect(revertCommit(deps, state)).rejects.toBeInstanceOf(RepositoryWritesDisabledError);

    expect(await git(app, 'rev-parse', 'main')).toBe(headBefore);
    expect(await git(app, 'branch', '--list', 'rollback/*')).toBe('');
    const recorded = await local.incidents.get(incident.id);
    expect(recorded?.revert).toBeUndefined();
    expect(recorded?.timeline.at(-1)?.note).toMatch(
      /^dry-run mode: nothing committed; would change .*shopq\/versioning\.py/,
    );
    expect(recorded?.versionFileDiff).toContain('-PROMPT_VERSION = "v2"');
  });
});
