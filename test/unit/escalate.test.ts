import { describe, expect, it } from 'vitest';
import type { Incident } from '../../functions/core/incident/incident.ts';
import { escalate } from '../../functions/core/workflow/notify.ts';
import type { WorkflowState } from '../../functions/core/workflow/state.ts';
import type { IncidentStore, Notification, Notifier } from '../../functions/ports.ts';

const version = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
const incident: Incident = {
  id: 'inc-shopq-1',
  service: 'shopq-classifier',
  version,
  decision: 'rollback',
  status: 'deploying',
  openedAt: '2026-11-27T10:00:00.000Z',
  updatedAt: '2026-11-27T10:05:00.000Z',
  triggers: [],
  executionName: 'inc-shopq-1',
  verification: [],
  timeline: [],
};
const state: WorkflowState = {
  incidentId: incident.id,
  service: incident.service,
  version,
  decision: 'rollback',
  triggers: ['otp_in_critical'],
  error: { Error: 'DeployTimeoutError', Cause: '{"errorMessage":"v1 did not appear in live traffic"}' },
};

/** Fake ports that log every call in order; `failSave` makes the incident store's write fail. */
function fakes(options: { failSave?: boolean } = {}) {
  const calls: string[] = [];
  const published: Notification[] = [];
  const incidents: IncidentStore = {
    openIncident: async () => {
      throw new Error('not used');
    },
    get: async () => {
      calls.push('get');
      return structuredClone(incident);
    },
    save: async () => {
      calls.push('save');
      if (options.failSave)
        throw Object.assign(new Error('DynamoDB unavailable'), { name: 'ServiceUnavailable' });
    },
    list: async () => [],
    releaseLock: async () => {
      calls.push('releaseLock');
    },
  };
  const notifier: Notifier = {
    publish: async (notification) => {
      calls.push(`publish:${notification.topic}`);
      published.push(notification);
    },
  };
  const clock = { now: () => new Date('2026-11-27T11:00:00.000Z') };
  return { deps: { incidents, notifier, clock }, calls, published };
}

describe('Escalate', () => {
  it('pages before it records the escalation', async () => {
    const { deps, calls, published } = fakes();
    await expect(escalate(deps, state)).resolves.toEqual({
      escalated: true,
      reason: 'DeployTimeoutError: v1 did not appear in live traffic',
    });
    expect(calls.indexOf('publish:pages')).toBeGreaterThanOrEqual(0);
    expect(calls.indexOf('publish:pages')).toBeLessThan(calls.indexOf('save'));
    expect(calls.at(-1)).toBe('releaseLock');
    expect(published).toHaveLength(1);
    expect(published[0]?.body).toContain('DeployTimeoutError: v1 did not appear in live traffic');
  });

  it('has paged already when the incident store write fails (and still fails, so the workflow sees it)', async () => {
    const { deps, calls, published } = fakes({ failSave: true });
    await expect(escalate(deps, state)).rejects.toThrow('DynamoDB unavailable');
    expect(published.map((notification) => notification.topic)).toEqual(['pages']);
    expect(published[0]).toMatchObject({
      subject: expect.stringContaining(`incident ${incident.id} needs a human`),
      attributes: { severity: 'P0', incidentId: incident.id },
    });
    expect(calls).not.toContain('releaseLock');
  });
});
