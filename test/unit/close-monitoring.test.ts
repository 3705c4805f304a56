/**
 * Close monitoring (runbook "Version Change Workflow" step 9): for `prevention.closeMonitoring`
 * (48h) after a version first takes live traffic, a warning pages — still deduplicated — and
 * afterwards alerts as before. The dispatcher with recording fakes; nothing else is touched.
 */
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../functions/core/incident/dispatch.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../functions/core/policy.ts';
import type { Evaluation, TriggerResult } from '../../functions/core/triggers/types.ts';
import type { IncidentStore, Notification, NotificationLog, WorkflowStarter } from '../../functions/ports.ts';

const AT = Date.parse('2026-11-27T12:00:00Z');
const HOUR = 3_600_000;
const VERSION = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v3' };

const warning: TriggerResult = {
  id: 'fp_budget',
  kind: 'manual',
  outcome: 'warning',
  value: 4,
  threshold: 5,
  warningThreshold: 3,
  samples: 400,
  window: '24h',
  reason: 'fp_budget 4 per 100 in warning',
};
const evaluation: Evaluation = {
  at: new Date(AT).toISOString(),
  version: VERSION,
  decision: 'watch',
  triggers: [warning],
};

function setup(policy = DEFAULT_POLICY) {
  const sent: Notification[] = [];
  const claims = new Map<string, number>();
  const log: NotificationLog = {
    claim: async (key, expiresAt) => {
      if (claims.has(key)) return false;
      claims.set(key, expiresAt);
      return true;
    },
    release: async (key) => {
      claims.delete(key);
    },
  };
  let now = AT;
  const never = () => {
    throw new Error('a warning opens no incident and starts no workflow');
  };
  const deps = {
    incidents: { openIncident: never, list: never } as unknown as IncidentStore,
    workflow: { start: never } as unknown as WorkflowStarter,
    clock: { now: () => new Date(now) },
    service: 'shopq-classifier',
    notifier: { publish: async (notification: Notification) => void sent.push(notification) },
    notificationLog: log,
    policy,
  };
  return { sent, deps, at: (ms: number) => (now = ms) };
}

describe('close monitoring', () => {
  it('pages a warning in the first 48 h after the version first took traffic, deduplicated', async () => {
    const { sent, deps, at } = setup();
    const firstSeen = AT - 47 * HOUR;
    expect(await dispatch(deps, evaluation, { firstSeen })).toEqual({
      action: 'watch',
      warningsSent: 1,
      warningsDeduplicated: 0,
      paged: true,
    });
    expect(sent[0]).toMatchObject({
      topic: 'pages',
      attributes: { severity: 'P1', triggerIds: 'fp_budget' },
    });
    expect(sent[0]?.subject).toMatch(/^\[Warning, new version\] shopq-classifier v3: fp_budget 4/);
    expect(sent[0]?.body).toContain(`first took live traffic at ${new Date(firstSeen).toISOString()}`);
    // The next tick in the same dedupe hour pages nothing more.
    at(AT + 60_000);
    expect(await dispatch(deps, evaluation, { firstSeen })).toMatchObject({
      warningsSent: 0,
      warningsDeduplicated: 1,
    });
    expect(sent).toHaveLength(1);
  });

  it('alerts as before once 48 h have passed, or when the first sighting is unknown', async () => {
    const { sent, deps } = setup();
    const result = await dispatch(deps, evaluation, { firstSeen: AT - 48 * HOUR });
    expect(result).toEqual({ action: 'watch', warningsSent: 1, warningsDeduplicated: 0 });
    expect(sent[0]).toMatchObject({ topic: 'alerts', attributes: { severity: 'P2' } });
    expect(sent[0]?.subject).toMatch(/^\[Warning\] /);
    const unknown = setup();
    await dispatch(unknown.deps, evaluation);
    expect(unknown.sent[0]?.topic).toBe('alerts');
  });

  it('follows prevention.closeMonitoring', async () => {
    const policy = parsePolicy({ prevention: { closeMonitoring: '2h' } });
    expect(DEFAULT_POLICY.prevention.closeMonitoring).toBe('48h');
    const { sent, deps } = setup(policy);
    await dispatch(deps, evaluation, { firstSeen: AT - 3 * HOUR });
    expect(sent[0]?.topic).toBe('alerts');
    const early = setup(policy);
    await dispatch(early.deps, evaluation, { firstSeen: AT - HOUR });
    expect(early.sent[0]?.topic).toBe('pages');
  });
});
