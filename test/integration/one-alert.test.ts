/**
 * "Notify team" sends one message per incident start: the synthesized state machine run by the
 * local runner, with the real NotifyStart and request-approval steps over dynalite and a
 * FileNotifier (the other steps return fixed results, as in control.test.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../functions/core/incident/dispatch.ts';
import type { Incident } from '../../functions/core/incident/incident.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import type { Evaluation } from '../../functions/core/triggers/types.ts';
import { answerApproval, requestApproval } from '../../functions/core/workflow/approval.ts';
import { notifyStart } from '../../functions/core/workflow/notify.ts';
import { parseApprovalPayload, parseState } from '../../functions/handlers/workflow/payload.ts';
import type { WorkflowExecution } from '../../functions/local/state-machine/index.ts';
import { FileNotifier } from '../support/file-notifier.ts';
import { AT, fixedSteps, localStarter, trigger, useLocalWorkflow, v2 } from '../support/local-workflow.ts';

const workflow = useLocalWorkflow('sentinel-one-alert-');

/** Runs one incident to its end; a manual one is approved by alice through answerApproval. */
async function runIncident(name: string, decision: 'rollback' | 'investigate') {
  const { definition, local } = workflow;
  const clock = { now: () => new Date(AT) };
  const notifier = new FileNotifier(join(workflow.dir, name));
  const deps = { incidents: local.incidents, notifier, clock, policy: DEFAULT_POLICY };
  let answered: Promise<unknown> = Promise.resolve();
  const starter = localStarter(
    definition,
    {
      ...fixedSteps({ incidents: local.incidents, decision, stageSeconds: 1 }),
      'notify-start': (payload) => notifyStart(deps, parseState(payload)),
      'request-approval': async (payload) => {
        const { taskToken, state, reminder } = parseApprovalPayload(payload);
        return requestApproval(deps, parseState(state), taskToken, { reminder });
      },
    },
    (pending, execution) => {
      const id = (pending.payload as { state: { incidentId: string } }).state.incidentId;
      const answer = { approved: true, by: 'alice@cli', note: 'checked' };
      answered = answerApproval({ incidents: local.incidents, clock }, id, answer).then(() =>
        execution().sendTaskSuccess(pending.token, answer),
      );
    },
  );
  const id = decision === 'rollback' ? 'otp_in_critical' : 'distribution_drift';
  const result = await dispatch(
    { incidents: local.incidents, workflow: starter, clock, service: `${name}-svc` },
    {
      at: new Date(AT).toISOString(),
      version: v2,
      decision,
      triggers: [
        trigger(id, 'breach', { value: decision === 'rollback' ? 3 : 14, reason: `${id} breached` }),
      ],
    } as Evaluation,
  );
  const run = await (starter.runs[0] as WorkflowExecution).result;
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
