/**
 * "Notify team" sends one message per incident start: the synthesized state machine run by the
 * local runner, with the real NotifyStart and request-approval steps over dynalite and a
 * FileNotifier (the other steps return fixed results, as in control.test.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../functions/core/incident/dispatch.ts';
import type { Incident } from '../../functions/core/incident/incident.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import type { Evaluation, TriggerResult } from '../../functions/core/triggers/types.ts';
import { answerApproval, requestApproval } from '../../functions/core/workflow/approval.ts';
import { notifyStart } from '../../functions/core/workflow/notify.ts';
import { parseApprovalPayload, parseState } from '../../functions/handlers/workflow/payload.ts';
import { type LocalStore, openLocalStore } from '../../functions/local/local-store.ts';
import {
  type AslDefinition,
  loadDefinition,
  runWorkflow,
  type TaskHandler,
  type WorkflowExecution,
} from '../../functions/local/state-machine/index.ts';
import { FileNotifier } from '../support/file-notifier.ts';

const v2 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
const v1 = { ...v2, prompt: 'v1' };
const AT = Date.parse('2026-11-27T12:00:00Z');

let definition: AslDefinition;
let local: LocalStore;
let dir: string;
beforeAll(async () => {
  definition = loadDefinition();
  local = await openLocalStore();
  dir = await mkdtemp(join(tmpdir(), 'sentinel-one-alert-'));
});
afterAll(async () => {
  await local.close();
  await rm(dir, { recursive: true, force: true });
});

function trigger(id: TriggerResult['id']): TriggerResult {
  const automatic = id === 'otp_in_critical';
  return {
    id,
    kind: automatic ? 'automatic' : 'manual',
    outcome: 'breach',
    value: automatic ? 3 : 14,
    threshold: automatic ? 0 : 10,
    warningThreshold: automatic ? null : 5,
    samples: 500,
    window: '24h',
    reason: `${id} breached`,
  };
}

/** Runs one incident to its end; a manual one is approved by alice through answerApproval. */
async function runIncident(name: string, decision: 'rollback' | 'investigate') {
  const clock = { now: () => new Date(AT) };
  const notifier = new FileNotifier(join(dir, name));
  const deps = { incidents: local.incidents, notifier, clock, policy: DEFAULT_POLICY };
  const target = {
    version: v1,
    ref: 'v1.2.0-stable',
    procedure: 'A',
    timing: { immediateSeconds: 1, shortTermSeconds: 1, longTermSeconds: 1 },
  };
  const handlers: Record<string, TaskHandler> = {
    'confirm-trigger': () => ({ stillBreaching: true, decision }),
    'capture-state': () => ({ capturedAt: new Date(AT).toISOString() }),
    'choose-target': async (payload) => {
      const incident = (await local.incidents.get(
        (payload as { incidentId: string }).incidentId,
      )) as Incident;
      await local.incidents.save({ ...incident, target: target as Incident['target'] }, incident.updatedAt);
      return target;
    },
    'notify-start': (payload) => notifyStart(deps, parseState(payload)),
    'request-approval': async (payload) => {
      const { taskToken, state, reminder } = parseApprovalPayload(payload);
      return requestApproval(deps, parseState(state), taskToken, { reminder });
    },
    'revert-commit': () => ({
      sha: 'abc123',
      branch: 'main',
      alreadyDone: false,
      dryRun: false,
      committedAt: new Date(AT).toISOString(),
    }),
    'check-deploy': () => ({ deployed: true, checkedAt: new Date(AT).toISOString() }),
    verify: (payload) => ({ stage: (payload as { stage: string }).stage, outcome: 'pass', checks: [] }),
    complete: (payload) => ({ outcome: (payload as { outcome: string }).outcome }),
    escalate: () => ({ escalated: true }),
  };
  const runs: WorkflowExecution[] = [];
  let answered: Promise<unknown> = Promise.resolve();
  const starter = {
    async start(executionName: string, input: unknown) {
      let execution: WorkflowExecution | undefined;
      execution = runWorkflow({
        definition,
        input,
        executionName,
        stepHandlers: handlers,
        waitScale: 0.0001,
        onCallback: (pending) => {
          const id = (pending.payload as { state: { incidentId: string } }).state.incidentId;
          const answer = { approved: true, by: 'alice@cli', note: 'checked' };
          answered = answerApproval({ incidents: local.incidents, clock }, id, answer).then(() =>
            execution?.sendTaskSuccess(pending.token, answer),
          );
        },
      });
      runs.push(execution);
      return { executionId: executionName, alreadyStarted: false };
    },
  };
  const result = await dispatch(
    { incidents: local.incidents, workflow: starter, clock, service: `${name}-svc` },
    {
      at: new Date(AT).toISOString(),
      version: v2,
      decision,
      triggers: [trigger(decision === 'rollback' ? 'otp_in_critical' : 'distribution_drift')],
    } as Evaluation,
  );
  const run = await (runs[0] as WorkflowExecution).result;
  await answered;
  const incident = (await local.incidents.get((result as { incidentId: string }).incidentId)) as Incident;
  return { run, incident, sent: notifier.sent };
}

describe('one alert per incident start', () => {
  it('manual trigger: the approval request is the only message, and it carries evidence, versions, procedure and the CLI commands', async () => {
    const { run, incident, sent } = await runIncident('manual', 'investigate');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.visited).toEqual(expect.arrayContaining(['NotifyStart', 'WaitForApproval', 'RevertCommit']));
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.topic).toBe('alerts');
    expect(request?.subject).toMatch(/^\[Approve\?\] manual-svc v2 rollback: distribution_drift/);
    expect(request?.body).toContain('distribution_drift (manual): distribution_drift breached');
    expect(request?.body).toContain('To:   gemini-2.0-flash 2.0 / prompt v1');
    expect(request?.body).toContain('Procedure: A (stable ref v1.2.0-stable)');
    expect(request?.body).toContain(`sentinel approve ${incident.id} --by NAME`);
    expect(incident.timeline.find((entry) => entry.state === 'NotifyStart')?.note).toMatch(
      /approval request \(WaitForApproval\) is the notification/,
    );
  }, 30_000);

  it('automatic trigger: NotifyStart pages once, and no approval request is sent', async () => {
    const { run, sent } = await runIncident('automatic', 'rollback');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.visited).not.toContain('WaitForApproval');
    expect(sent.map((message) => [message.topic, message.subject])).toEqual([
      ['pages', '[P0] Rolling back automatic-svc v2: otp_in_critical'],
    ]);
  }, 30_000);
});
