/**
 * People's steering on the real local parts: dynalite, the synthesized state machine run by the
 * local runner, and the real step handlers for the steps under test (the rest return fixed results).
 */
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parseSigningKeys } from '../../functions/core/approval/keys.ts';
import { approvalNonce, signApproval } from '../../functions/core/approval/link.ts';
import { pause, resume } from '../../functions/core/control/kill-switch.ts';
import { dispatch } from '../../functions/core/incident/dispatch.ts';
import type { Incident } from '../../functions/core/incident/incident.ts';
import { notifyOnce } from '../../functions/core/incident/notify-once.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import type { Evaluation, TriggerResult } from '../../functions/core/triggers/types.ts';
import {
  ApprovalStateError,
  answerApproval,
  requestApproval as requestApprovalStep,
} from '../../functions/core/workflow/approval.ts';
import { complete as completeIncident } from '../../functions/core/workflow/complete.ts';
import { revertCommitUnlessPaused } from '../../functions/core/workflow/guarded-revert.ts';
import { escalate as escalateIncident } from '../../functions/core/workflow/notify.ts';
import { makeApprovalHandler } from '../../functions/handlers/approval.ts';
import {
  parseApprovalPayload,
  parseOutcomePayload,
  parseState,
} from '../../functions/handlers/workflow/payload.ts';
import { localControl } from '../../functions/local/control.ts';
import type { LocalStore } from '../../functions/local/local-store.ts';
import type {
  PendingCallback,
  TaskHandler,
  WorkflowExecution,
} from '../../functions/local/state-machine/index.ts';
import type { SourceRepository } from '../../functions/ports.ts';
import { FileNotifier } from '../support/file-notifier.ts';
import { AT, fixedSteps, localStarter, trigger, useLocalWorkflow, v2 } from '../support/local-workflow.ts';

/** Everything the steps under test read; each core step takes its part. */
interface WorkflowDeps {
  incidents: LocalStore['incidents'];
  metrics: LocalStore['store'];
  notifier: FileNotifier;
  clock: { now(): Date };
  policy: typeof DEFAULT_POLICY;
  repo: () => Promise<SourceRepository>;
  control: ReturnType<typeof localControl>['control'];
  versions: LocalStore['versions'];
}

/** The steps under test: their core functions, parsed as their handlers parse (see the Lambda tests for the cloud entries). */
const revertCommit = (deps: () => WorkflowDeps) => async (payload: unknown) =>
  revertCommitUnlessPaused({ ...deps(), repo: await deps().repo() }, parseState(payload));
const escalate = (deps: () => WorkflowDeps) => (payload: unknown) =>
  escalateIncident(deps(), parseState(payload));
const complete = (deps: () => WorkflowDeps) => (payload: unknown) => {
  const { outcome, state } = parseOutcomePayload(payload);
  return completeIncident(deps(), outcome, parseState(state));
};
const requestApproval = (deps: () => WorkflowDeps) => async (payload: unknown) => {
  const { taskToken, state, reminder } = parseApprovalPayload(payload);
  const { expiresAt } = await requestApprovalStep(deps(), parseState(state), taskToken, { reminder });
  return { waiting: true, expiresAt };
};

const workflow = useLocalWorkflow('sentinel-control-');

function evaluation(decision: Evaluation['decision'], triggers: TriggerResult[]): Evaluation {
  return { at: new Date(AT).toISOString(), version: v2, decision, triggers } as Evaluation;
}

/** A repository that fails the test if anything touches it. */
const untouchable = new Proxy({} as SourceRepository, {
  get(_target, property) {
    if (property === 'then') return undefined;
    return () => {
      throw new Error(`the repository was touched: ${String(property)}`);
    };
  },
});

function setup(name: string, clockAt = AT) {
  const clock = { now: () => new Date(clockAt) };
  const notifier = new FileNotifier(join(workflow.dir, name));
  const { control, notificationLog } = localControl(workflow.local, clock);
  const deps: WorkflowDeps = {
    incidents: workflow.local.incidents,
    metrics: workflow.local.store,
    notifier,
    clock,
    policy: DEFAULT_POLICY,
    repo: async () => untouchable,
    control,
    versions: workflow.local.versions,
  };
  return { clock, notifier, control, notificationLog, deps };
}

/** Runs executions with the real `handlers` and fixed results for the other steps. */
const starterFor = (
  deps: WorkflowDeps,
  handlers: Record<string, TaskHandler>,
  onCallback?: Parameters<typeof localStarter>[2],
) =>
  localStarter(
    workflow.definition,
    { ...fixedSteps({ incidents: deps.incidents, decision: 'rollback', stageSeconds: 60 }), ...handlers },
    onCallback,
  );

describe('kill switch (sentinel pause)', () => {
  it('records the incident and pages, but RevertCommit never touches the repository', async () => {
    const { deps, control, notifier, clock } = setup('pause');
    await pause({ control, clock }, 'alice@cli', 'bad deploy under investigation');
    const starter = starterFor(deps, {
      'revert-commit': revertCommit(() => deps),
      escalate: escalate(() => deps),
    });
    const result = await dispatch(
      { incidents: workflow.local.incidents, workflow: starter, clock, service: 'paused-svc', control },
      evaluation('rollback', [trigger('otp_in_critical', 'breach')]),
    );
    expect(result.action).toBe('started');
    const run = await (starter.runs[0] as WorkflowExecution).result;
    expect(run.status).toBe('FAILED');
    expect(run.visited).toContain('RevertCommit');
    expect(run.visited.at(-2)).toBe('Escalate');

    const incident = (await workflow.local.incidents.get(
      (result as { incidentId: string }).incidentId,
    )) as Incident;
    expect(incident.status).toBe('escalated');
    expect(incident.revert).toBeUndefined();
    expect(incident.timeline[0]?.note).toContain('Sentinel is paused');
    expect(incident.timeline.map((entry) => entry.note).join('\n')).toContain(
      'kill switch on (paused by alice@cli: bad deploy under investigation): nothing committed',
    );
    expect(incident.escalation?.reason).toContain('RepositoryWritesDisabledError');
    const pages = notifier.sent.filter((message) => message.topic === 'pages');
    expect(pages).toHaveLength(1);
    expect(pages[0]?.body).toContain('Sentinel is paused');
    await resume({ control, clock }, 'alice@cli');
    expect((await control.get()).paused).toBe(false);
  }, 30_000);
});

describe('cooldown', () => {
  it('pages instead of rolling back a second automatic breach within 6 h, once per version', async () => {
    const { deps, notifier, clock } = setup('cooldown');
    const earlier: Incident = {
      id: 'inc-20261127-1000-cooldown1',
      service: 'cool-svc',
      version: { ...v2, prompt: 'v0' },
      decision: 'rollback',
      status: 'completed',
      outcome: 'completed',
      openedAt: new Date(AT - 2 * 3_600_000).toISOString(),
      updatedAt: new Date(AT - 3_600_000).toISOString(),
      triggers: [trigger('otp_in_critical', 'breach')],
      executionName: 'rollback-inc-20261127-1000-cooldown1',
      verification: [],
      timeline: [],
      revert: {
        sha: 'abc123',
        branch: 'main',
        alreadyDone: false,
        dryRun: false,
        committedAt: new Date(AT - 2 * 3_600_000 + 60_000).toISOString(),
      },
    };
    await workflow.local.incidents.save(earlier);
    const starter = starterFor(deps, {});
    const breach = evaluation('rollback', [trigger('otp_in_critical', 'breach')]);
    const dispatchDeps = {
      incidents: workflow.local.incidents,
      workflow: starter,
      clock,
      service: 'cool-svc',
      notifier,
    };

    const first = await dispatch(dispatchDeps, breach);
    expect(first).toMatchObject({ action: 'cooldown', paged: true });
    expect(starter.runs).toHaveLength(0);
    const refused = (await workflow.local.incidents.get(
      (first as { incidentId: string }).incidentId,
    )) as Incident;
    expect(refused).toMatchObject({ status: 'escalated', outcome: 'escalated' });
    expect(refused.escalation?.reason).toMatch(/^cooldown: an automatic rollback was already committed/);
    expect(refused.cooldown?.lastIncidentId).toBe(earlier.id);
    expect(notifier.sent.filter((message) => message.topic === 'pages')).toHaveLength(1);

    const minuteLater = { now: () => new Date(AT + 60_000) };
    const second = await dispatch({ ...dispatchDeps, clock: minuteLater }, breach);
    expect(second).toMatchObject({ action: 'cooldown', paged: false, incidentId: refused.id });
    expect(starter.runs).toHaveLength(0);
    expect(notifier.sent).toHaveLength(1);

    // After the cooldown the next breach rolls back again.
    const sevenHoursLater = { now: () => new Date(AT + 7 * 3_600_000) };
    const third = await dispatch({ ...dispatchDeps, clock: sevenHoursLater }, breach);
    expect(third.action).toBe('started');
    expect(starter.runs).toHaveLength(1);
    await (starter.runs[0] as WorkflowExecution).result;
  }, 30_000);

  it('does not hold back a manual trigger (a person approves it anyway)', async () => {
    const { deps, notifier, clock } = setup('cooldown-manual');
    const starter = starterFor(deps, {});
    const result = await dispatch(
      {
        incidents: workflow.local.incidents,
        workflow: { start: async () => ({ executionId: 'x', alreadyStarted: false }) },
        clock,
        service: 'cool-svc',
        notifier,
      },
      evaluation('investigate', [trigger('distribution_drift', 'breach')]),
    );
    expect(result.action).toBe('started');
    expect(starter.runs).toHaveLength(0);
  });
});

describe('warning dedupe', () => {
  it('sends the same trigger warning for the same version once per hour; pages are never deduplicated', async () => {
    const { notifier, notificationLog } = setup('dedupe');
    const watch = evaluation('watch', [trigger('distribution_drift', 'warning'), trigger('fp_budget', 'ok')]);
    const at = (ms: number) => ({ now: () => new Date(ms) });
    const depsAt = (ms: number) => ({
      incidents: workflow.local.incidents,
      workflow: { start: async () => ({ executionId: 'never', alreadyStarted: false }) },
      clock: at(ms),
      service: 'dedupe-svc',
      notifier,
      notificationLog,
    });
    expect(await dispatch(depsAt(AT), watch)).toEqual({
      action: 'watch',
      warningsSent: 1,
      warningsDeduplicated: 0,
    });
    expect(await dispatch(depsAt(AT + 20 * 60_000), watch)).toEqual({
      action: 'watch',
      warningsSent: 0,
      warningsDeduplicated: 1,
    });
    // Another version is another warning.
    expect(
      await dispatch(depsAt(AT + 20 * 60_000), { ...watch, version: { ...v2, prompt: 'v3' } }),
    ).toMatchObject({
      warningsSent: 1,
    });
    expect(await dispatch(depsAt(AT + 61 * 60_000), watch)).toMatchObject({ warningsSent: 1 });
    expect(notifier.sent.map((message) => message.subject)).toEqual([
      '[Warning] dedupe-svc v2: distribution_drift 7',
      '[Warning] dedupe-svc v3: distribution_drift 7',
      '[Warning] dedupe-svc v2: distribution_drift 7',
    ]);
    expect(notifier.sent.every((message) => message.topic === 'alerts')).toBe(true);

    const page = { ...(notifier.sent[0] as (typeof notifier.sent)[number]), topic: 'pages' as const };
    const once = { notifier, log: notificationLog, clock: at(AT) };
    expect(await notifyOnce(once, page, 'page-key', '1h')).toEqual({ sent: true });
    expect(await notifyOnce(once, page, 'page-key', '1h')).toEqual({ sent: true });
  });

  it('gives the claim back when publishing fails, so the warning is sent on the next try', async () => {
    const { notificationLog } = setup('dedupe-fail');
    const failing = { publish: async () => Promise.reject(new Error('SNS down')) };
    const sent: unknown[] = [];
    const working = { publish: async (message: unknown) => void sent.push(message) };
    const message = {
      topic: 'alerts' as const,
      subject: 's',
      body: 'b',
      attributes: { severity: 'P2' as const },
    };
    const clock = { now: () => new Date(AT) };
    await expect(
      notifyOnce({ notifier: failing, log: notificationLog, clock }, message, 'k-fail', '1h'),
    ).rejects.toThrow('SNS down');
    expect(
      await notifyOnce({ notifier: working, log: notificationLog, clock }, message, 'k-fail', '1h'),
    ).toMatchObject({
      sent: true,
    });
    expect(sent).toHaveLength(1);
  });
});

describe('approvals through the workflow.local runner', () => {
  async function runManual(
    name: string,
    answer: (incidentId: string, pending: PendingCallback) => Promise<unknown>,
  ) {
    const { deps, clock, notifier } = setup(name);
    let answered: Promise<unknown> | undefined;
    const starter = starterFor(
      deps,
      {
        'request-approval': requestApproval(() => deps),
        'revert-commit': () => ({
          sha: 'def456',
          branch: 'main',
          alreadyDone: false,
          dryRun: false,
          committedAt: new Date(AT).toISOString(),
        }),
        complete: complete(() => deps),
        escalate: escalate(() => deps),
      },
      (pending, execution) => {
        const id = (pending.payload as { state: { incidentId: string } }).state.incidentId;
        answered = answer(id, pending).then((output) => {
          if (output) execution().sendTaskSuccess(pending.token, output);
          return output;
        });
      },
    );
    const result = await dispatch(
      { incidents: workflow.local.incidents, workflow: starter, clock, service: `${name}-svc` },
      evaluation('investigate', [trigger('distribution_drift', 'breach')]),
    );
    const run = await (starter.runs[0] as WorkflowExecution).result;
    await answered;
    const incidentId = (result as { incidentId: string }).incidentId;
    return { run, incident: (await workflow.local.incidents.get(incidentId)) as Incident, deps, notifier };
  }

  it('approve: the answer is recorded once, the workflow resumes and commits; a second answer is refused', async () => {
    const answerer = { incidents: workflow.local.incidents, clock: { now: () => new Date(AT + 60_000) } };
    const { run, incident, notifier } = await runManual('approve', async (id) => {
      return answerApproval(answerer, id, { approved: true, by: 'alice@cli', note: 'checked' }).then(() => ({
        approved: true,
        by: 'alice@cli',
        note: 'checked',
      }));
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.visited).toEqual(
      expect.arrayContaining(['WaitForApproval', 'Approved?', 'RevertCommit', 'Complete']),
    );
    expect(incident.approval).toMatchObject({ approved: true, by: 'alice@cli', note: 'checked' });
    // The first half of the 24 h approval timeout; a reminder with a fresh token covers the second.
    expect(incident.approval?.expiresAt).toBe(new Date(AT + 12 * 3_600_000).toISOString());
    expect(incident.timeline.map((entry) => entry.state)).toContain('Approved');
    const request = notifier.sent.find((message) => message.subject.startsWith('[Approve?]'));
    expect(request?.body).toContain(`sentinel approve ${incident.id}`);
    await expect(
      answerApproval(answerer, incident.id, { approved: false, by: 'mallory', note: '' }),
    ).rejects.toBeInstanceOf(ApprovalStateError);
  }, 30_000);

  it('reminds once, with a fresh token, when the first half of the approval timeout passes unanswered', async () => {
    const answerer = { incidents: workflow.local.incidents, clock: { now: () => new Date(AT + 60_000) } };
    const tokens: string[] = [];
    const { run, incident, notifier } = await runManual('remind', async (id, pending) => {
      tokens.push(pending.token);
      if (pending.stateName !== 'RemindApproval') return undefined;
      await answerApproval(answerer, id, { approved: true, by: 'bob@cli', note: 'late but fine' });
      return { approved: true, by: 'bob@cli', note: 'late but fine' };
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.visited).toEqual(
      expect.arrayContaining(['WaitForApproval', 'RemindApproval', 'RevertCommit']),
    );
    expect(new Set(tokens).size).toBe(2);
    expect(incident.approval?.taskToken).toBe(tokens[1]);
    expect(incident.timeline.map((entry) => entry.state)).toEqual(
      expect.arrayContaining(['WaitForApproval', 'RemindApproval', 'Approved']),
    );
    const subjects = notifier.sent.map((message) => message.subject);
    expect(subjects.filter((subject) => subject.startsWith('[Approve?]'))).toHaveLength(1);
    expect(subjects.filter((subject) => subject.startsWith('[Reminder] [Approve?]'))).toHaveLength(1);
  }, 30_000);

  it('reject: the workflow records the rejection and never reaches RevertCommit', async () => {
    const { run, incident } = await runManual('reject', async (id) => {
      await answerApproval(
        { incidents: workflow.local.incidents, clock: { now: () => new Date(AT + 60_000) } },
        id,
        {
          approved: false,
          by: 'bob@cli',
          note: 'drift is expected: new sender mix',
        },
      );
      return { approved: false, by: 'bob@cli', note: 'drift is expected: new sender mix' };
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.visited).toContain('RecordRejection');
    expect(run.visited).not.toContain('RevertCommit');
    expect(incident).toMatchObject({ status: 'rejected', outcome: 'rejected' });
    expect(incident.approval).toMatchObject({ approved: false, by: 'bob@cli' });
  }, 30_000);

  it('approval endpoint: a signed link is confirmed on GET, acts once on POST; replay, tampering and expiry are refused', async () => {
    const KEY = 'approval-signing-key-0123456789abcdef';
    const resumed: unknown[] = [];
    let now = AT + 60_000;
    const handler = makeApprovalHandler({
      incidents: workflow.local.incidents,
      clock: { now: () => new Date(now) },
      signingKey: async () => KEY,
      resume: async (_token, output) => {
        resumed.push(output);
      },
    });
    const request = (method: 'GET' | 'POST', fields: object) => {
      const query = new URLSearchParams(
        Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]),
      ).toString();
      return handler({
        requestContext: { http: { method } },
        queryStringParameters: method === 'GET' ? Object.fromEntries(new URLSearchParams(query)) : undefined,
        body: method === 'POST' ? query : undefined,
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2);
    };
    const { run, incident } = await runManual('link', async (id, pending) => {
      const token = (pending.payload as { taskToken: string }).taskToken;
      const expires = Math.floor((AT + 24 * 3_600_000) / 1000);
      const link = signApproval(parseSigningKeys(KEY).current, {
        incident: id,
        decision: 'approve',
        expires,
        nonce: approvalNonce(token),
      });
      const forged = { ...link, decision: 'reject' };
      expect((await request('POST', forged)).statusCode).toBe(403);
      const confirm = await request('GET', link);
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain('<form method="post">');
      now = AT + 25 * 3_600_000;
      expect((await request('POST', link)).statusCode).toBe(410);
      now = AT + 60_000;
      expect((await request('POST', link)).statusCode).toBe(200);
      expect((await request('POST', link)).statusCode).toBe(409);
      expect(resumed).toHaveLength(1);
      return resumed[0];
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.visited).toContain('RevertCommit');
    expect(incident.approval).toMatchObject({ approved: true, by: 'approval-link' });
    // A forged link is refused before anything is read: the same 403 whether or not the incident exists.
    const forged = { decision: 'approve', expires: 1, nonce: '0'.repeat(32), kid: 'k1', sig: 'x'.repeat(43) };
    expect((await request('GET', { ...forged, incident: 'inc-nope' })).statusCode).toBe(403);
    expect((await request('GET', { ...forged, incident: incident.id })).statusCode).toBe(403);
  }, 30_000);
});
