/**
 * Procedure A's smoke check (policy validation.smoke.url) in RevertCommit: a real Git repository
 * (LocalGitRepo on the ShopQ fixture), dynalite, and an HTTP classifier on 127.0.0.1 reached
 * through HttpSmokeClassifier (fetch).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalGitRepo } from '../../functions/adapters/local-git-repo.ts';
import { HttpSmokeClassifier } from '../../functions/adapters/smoke-classifiers.ts';
import type { Incident } from '../../functions/core/incident/incident.ts';
import { parsePolicy } from '../../functions/core/policy.ts';
import { SmokeValidationFailedError } from '../../functions/core/validation/smoke.ts';
import { chooseTarget, revertCommit } from '../../functions/core/workflow/revert.ts';
import { type LocalStore, openLocalStore } from '../../functions/local/local-store.ts';
import { openRollbackIncident } from '../support/incidents.ts';
import { createShopqRepo } from '../support/shopq-repo.ts';

const T0 = Date.parse('2026-11-27T12:00:00Z');
const V2 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
const SAMPLES = [
  { id: 's-1', snippet: 'Your verification code is 123456', expected: 'routine' },
  { id: 's-2', snippet: 'Flight UA12 departs in 2 hours, gate change', expected: 'time_sensitive' },
  { id: 's-3', snippet: 'Fraud alert: confirm this $2,400 charge', expected: 'critical' },
] as const;

let local: LocalStore;
let server: Server;
let url: string;
/** What the classifier answers per sample id (the restored prompt's behaviour). */
let labels: Record<string, string> = {};
const received: unknown[] = [];

beforeAll(async () => {
  local = await openLocalStore();
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const { emails } = JSON.parse(body) as { emails: { id: string }[] };
      received.push(JSON.parse(body));
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          classifications: emails.map((email) => ({ id: email.id, importance: labels[email.id] })),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/classify`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await local.close();
});

async function revertWithSmoke(id: string, minAgreement: number) {
  const fixture = await createShopqRepo('prompt');
  const repo = new LocalGitRepo(fixture.dir);
  const policy = parsePolicy({ validation: { smoke: { url, samples: SAMPLES, minAgreement } } }, 'test');
  const deps = {
    repo,
    incidents: local.incidents,
    metrics: local.store,
    clock: { now: () => new Date(T0) },
    policy,
    smoke: new HttpSmokeClassifier(url),
  };
  const incident = openRollbackIncident(id, V2, `svc-${id}`, T0);
  await local.incidents.openIncident(incident);
  const state = {
    incidentId: id,
    service: incident.service,
    version: V2,
    decision: 'rollback' as const,
    triggers: [],
  };
  expect(await chooseTarget(deps, state)).toMatchObject({ procedure: 'A' });
  return { fixture, repo, deps, state };
}

describe('procedure A smoke check (validation.smoke.url)', () => {
  it('passes when every sample gets its expected label: the revert commits and records the agreement', async () => {
    labels = { 's-1': 'routine', 's-2': 'time_sensitive', 's-3': 'critical' };
    const { fixture, repo, deps, state } = await revertWithSmoke('inc-smoke-pass', 1);
    try {
      const record = await revertCommit(deps, state);
      expect(await repo.resolveRef('main')).toBe(record.sha);
      expect(record.sha).not.toBe(fixture.headSha);
      expect(received.at(-1)).toEqual({ emails: SAMPLES });
      const incident = (await local.incidents.get('inc-smoke-pass')) as Incident;
      expect(incident.timeline.at(-1)?.note).toContain('smoke check 3/3 sample emails as expected');
    } finally {
      await fixture.cleanup();
    }
  });

  it('fails before committing when agreement is below minAgreement, naming each disagreement', async () => {
    labels = { 's-1': 'critical', 's-2': 'time_sensitive', 's-3': 'critical' };
    const { fixture, repo, deps, state } = await revertWithSmoke('inc-smoke-fail', 1);
    try {
      const failure = revertCommit(deps, state);
      await expect(failure).rejects.toBeInstanceOf(SmokeValidationFailedError);
      await expect(failure).rejects.toThrow(
        /2 of 3 sample emails .* needs 3[\s\S]*s-1: expected routine, got critical/,
      );
      expect(await repo.resolveRef('main')).toBe(fixture.headSha);
    } finally {
      await fixture.cleanup();
    }
  });
});
