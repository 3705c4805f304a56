/**
 * The approval endpoint (functions/handlers/approval.ts) against races and failures, on dynalite:
 * concurrent answers, a resume that fails, and forged links that must reveal nothing.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../functions/core/incident/dispatch.ts';
import type { Incident } from '../../functions/core/incident/incident.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import type { Evaluation, TriggerResult } from '../../functions/core/triggers/types.ts';
import { requestApproval } from '../../functions/core/workflow/approval.ts';
import type { WorkflowState } from '../../functions/core/workflow/state.ts';
import { makeApprovalHandler } from '../../functions/handlers/approval.ts';
import { type LocalStore, openLocalStore } from '../../functions/local/local-store.ts';
import type { IncidentStore, Notification } from '../../functions/ports.ts';

const KEY = 'approval-signing-key-0123456789abcdef';
const OLD_KEY = 'previous-signing-key-0123456789abcdef';
const AT = Date.parse('2026-11-27T12:00:00Z');
const v2 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
const clock = { now: () => new Date(AT + 60_000) };

let local: LocalStore;
beforeAll(async () => {
  local = await openLocalStore();
});
afterAll(async () => {
  await local.close();
});

const drift: TriggerResult = {
  id: 'distribution_drift',
  kind: 'manual',
  outcome: 'breach',
  value: 12,
  threshold: 10,
  warningThreshold: 5,
  samples: 500,
  window: '24h',
  reason: 'drift',
} as TriggerResult;

/** An incident parked at WaitForApproval, and the links its approval email carries. */
async function pendingIncident(service: string, signingSecret = KEY) {
  const evaluation = {
    at: new Date(AT).toISOString(),
    version: v2,
    decision: 'investigate',
    triggers: [drift],
  };
  const result = await dispatch(
    {
      incidents: local.incidents,
      workflow: { start: async (name) => ({ executionId: name, alreadyStarted: false }) },
      clock: { now: () => new Date(AT) },
      service,
    },
    evaluation as Evaluation,
  );
  const incidentId = (result as { incidentId: string }).incidentId;
  const sent: Notification[] = [];
  const taskToken = `token-of-${service}`;
  await requestApproval(
    {
      incidents: local.incidents,
      clock: { now: () => new Date(AT) },
      notifier: { publish: async (message) => void sent.push(message) },
      policy: DEFAULT_POLICY,
      approvalLinks: { baseUrl: 'https://approve.example/', signingKey: async () => signingSecret },
    },
    { incidentId, service } as unknown as WorkflowState,
    taskToken,
  );
  const body = sent[0]?.body ?? '';
  const approve = /Approve: (\S+)/.exec(body)?.[1] ?? '';
  const reject = /Reject: +(\S+)/.exec(body)?.[1] ?? '';
  return { incidentId, taskToken, approve, reject };
}

type Resume = (taskToken: string, output: { approved: boolean; by: string; note: string }) => Promise<void>;

function endpoint(options: { resume?: Resume; incidents?: IncidentStore; secret?: string } = {}) {
  const resumed: { taskToken: string; approved: boolean }[] = [];
  const handler = makeApprovalHandler({
    incidents: options.incidents ?? local.incidents,
    clock,
    signingKey: async () => options.secret ?? KEY,
    sleep: async () => {},
    resume:
      options.resume ??
      (async (taskToken, output) => {
        resumed.push({ taskToken, approved: output.approved });
      }),
  });
  const send = (method: 'GET' | 'POST', link: string, change: Record<string, string> = {}) => {
    const fields = { ...Object.fromEntries(new URL(link).searchParams), ...change };
    const query = new URLSearchParams(fields).toString();
    return handler({
      requestContext: { http: { method } },
      queryStringParameters: method === 'GET' ? fields : undefined,
      body: method === 'POST' ? query : undefined,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2);
  };
  return { handler, resumed, send };
}

const named = (name: string, message = name) => Object.assign(new Error(message), { name });
const load = async (id: string) => (await local.incidents.get(id)) as Incident;
const answers = (incident: Incident) =>
  incident.timeline.filter((entry) => entry.state === 'Approved' || entry.state === 'Rejected');

describe('approval endpoint: concurrent answers (audit item 7)', () => {
  it('20 concurrent approve/reject answers: exactly one is recorded and resumes; the others get 409', async () => {
    const { incidentId, approve, reject } = await pendingIncident('race-svc');
    const { send, resumed } = endpoint();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send('POST', i % 2 === 0 ? approve : reject)),
    );
    const codes = responses.map((response) => response.statusCode);
    expect(codes.filter((code) => code === 200)).toHaveLength(1);
    expect(codes.filter((code) => code === 409)).toHaveLength(19);
    expect(resumed).toHaveLength(1);
    const incident = await load(incidentId);
    expect(answers(incident)).toHaveLength(1);
    const winner = answers(incident)[0]?.state === 'Approved' ? 'approved' : 'rejected';
    expect(resumed[0]?.approved).toBe(winner === 'approved');
    const loser = responses.find((response) => response.statusCode === 409);
    expect(loser?.body).toContain(`already answered (${winner} by approval-link at `);
  });
});

describe('approval endpoint: the answer and the resume (audit item 8)', () => {
  it('retries a throttled resume, then marks the answer resumed', async () => {
    const { incidentId, approve, taskToken } = await pendingIncident('throttled-svc');
    let calls = 0;
    const { send } = endpoint({
      resume: async () => {
        calls += 1;
        if (calls <= 2) throw named('ThrottlingException', 'Rate exceeded');
      },
    });
    expect((await send('POST', approve)).statusCode).toBe(200);
    expect(calls).toBe(3);
    const incident = await load(incidentId);
    expect(incident.approval).toMatchObject({ taskToken, approved: true, resume: { state: 'resumed' } });
    expect((await send('POST', approve)).statusCode).toBe(409);
    expect(calls).toBe(3);
  });

  it('a resume that keeps failing records resumeFailed and answers 502; the same link retries it, the other decision is refused', async () => {
    const { incidentId, approve, reject } = await pendingIncident('failing-svc');
    let failures = 4;
    let calls = 0;
    const { send } = endpoint({
      resume: async () => {
        calls += 1;
        if (failures-- > 0) throw Object.assign(named('InternalServerError', 'boom'), { $retryable: {} });
      },
    });
    const first = await send('POST', approve);
    expect(first.statusCode).toBe(502);
    expect(first.body).toContain('could not resume');
    expect(calls).toBe(3);
    let incident = await load(incidentId);
    expect(incident.approval).toMatchObject({
      approved: true,
      resume: { state: 'failed', error: expect.stringContaining('boom') },
    });
    expect(incident.timeline.map((entry) => entry.state)).toContain('ResumeFailed');

    expect((await send('POST', reject)).statusCode).toBe(409);
    expect(calls).toBe(3);
    expect((await send('POST', approve)).statusCode).toBe(200);
    expect(calls).toBe(5);
    incident = await load(incidentId);
    expect(incident.approval).toMatchObject({ approved: true, resume: { state: 'resumed' } });
    expect(answers(incident)).toHaveLength(1);
  });

  it('a non-retryable resume failure is not retried', async () => {
    const { approve } = await pendingIncident('denied-svc');
    let calls = 0;
    const { send } = endpoint({
      resume: async () => {
        calls += 1;
        throw named('AccessDeniedException', 'not authorized');
      },
    });
    expect((await send('POST', approve)).statusCode).toBe(502);
    expect(calls).toBe(1);
  });

  it('TaskTimedOut: the execution no longer waits; recorded, 410, and not retried by the link', async () => {
    const { incidentId, reject } = await pendingIncident('gone-svc');
    let calls = 0;
    const { send } = endpoint({
      resume: async () => {
        calls += 1;
        throw named('TaskTimedOut', 'Task Timed Out');
      },
    });
    expect((await send('POST', reject)).statusCode).toBe(410);
    expect(calls).toBe(1);
    const incident = await load(incidentId);
    expect(incident.approval).toMatchObject({ approved: false, resume: { state: 'gone' } });
    expect((await send('POST', reject)).statusCode).toBe(410);
    expect(calls).toBe(1);
  });
});

describe('approval endpoint: forged links reveal nothing (audit item 9)', () => {
  /** Counts reads, so a test can tell that a forged link never reached the store. */
  function counting(): { incidents: IncidentStore; reads: () => number } {
    let reads = 0;
    const incidents = new Proxy(local.incidents, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property === 'get')
          return (id: string) => {
            reads += 1;
            return target.get(id);
          };
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return { incidents, reads: () => reads };
  }

  it('a forged signature gets the same 403 whether the incident is pending, answered or missing, without a read', async () => {
    const pending = await pendingIncident('oracle-pending-svc');
    const answered = await pendingIncident('oracle-answered-svc');
    expect((await endpoint().send('POST', answered.approve)).statusCode).toBe(200);
    const { incidents, reads } = counting();
    const { send } = endpoint({ incidents });
    const sig = 'A'.repeat(43);
    const targets = [
      [pending.approve, { sig }],
      [answered.approve, { sig }],
      [pending.approve, { sig, incident: 'inc-20261127-1200-0000000000' }],
    ] as const;
    const seen = new Set<string>();
    for (const method of ['GET', 'POST'] as const) {
      for (const [link, change] of targets) {
        const response = await send(method, link, change);
        seen.add(JSON.stringify([response.statusCode, response.body]));
      }
    }
    expect([...seen]).toHaveLength(1);
    expect(JSON.parse([...seen][0] as string)[0]).toBe(403);
    expect(reads()).toBe(0);
  });

  it('after a key rotation, links signed with the previous key still verify; an unknown kid is refused', async () => {
    const old = await pendingIncident('rotation-svc', OLD_KEY);
    const rotated = JSON.stringify({ current: KEY, previous: OLD_KEY });
    const { send } = endpoint({ secret: rotated });
    expect((await send('GET', old.approve)).statusCode).toBe(200);
    expect((await send('POST', old.approve, { kid: 'k-unknown' })).statusCode).toBe(403);
    expect((await send('POST', old.approve)).statusCode).toBe(200);
    // Once the previous key is dropped, its links stop working.
    const fresh = await pendingIncident('rotation-dropped-svc', OLD_KEY);
    expect((await endpoint({ secret: KEY }).send('POST', fresh.approve)).statusCode).toBe(403);
  });
});
