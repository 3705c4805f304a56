import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateEvents } from '../../functions/core/aggregate.ts';
import { parseEvent, type SentinelEvent } from '../../functions/core/events.ts';
import { dispatch } from '../../functions/core/incident/dispatch.ts';
import { incidentIdFor } from '../../functions/core/incident/incident.ts';
import { recordTransition } from '../../functions/core/incident/record.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import { evaluateVersion } from '../../functions/core/triggers/evaluate.ts';
import type { Evaluation } from '../../functions/core/triggers/types.ts';
import { versionKey } from '../../functions/core/version.ts';
import { LOCAL_TABLE_NAME, type LocalStore, openLocalStore } from '../../functions/local/local-store.ts';
import { LocalWorkflowStarter } from '../support/workflow-starter.ts';

const v2 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
const at = Date.parse('2026-11-27T12:00:00Z');
const clock = { now: () => new Date(at) };

function breachingEvaluation(): Evaluation {
  const events: SentinelEvent[] = [];
  for (let index = 0; index < 3; index += 1) {
    const parsed = parseEvent(
      {
        type: 'classification',
        id: `e-${index}`,
        ts: new Date(at - index * 60_000).toISOString(),
        version: v2,
        importance: 'critical',
        snippet: 'Your verification code is 123456',
      },
      index,
    );
    if (!parsed.ok) throw new Error(parsed.rejection.message);
    events.push(parsed.event);
  }
  const aggregate = aggregateEvents(events);
  const buckets = [...(aggregate.series.get(versionKey(v2))?.buckets.values() ?? [])];
  return evaluateVersion({ at, version: v2, buckets, gdsReports: [], policy: DEFAULT_POLICY });
}

describe('dispatcher on dynalite', () => {
  let local: LocalStore;
  beforeAll(async () => {
    local = await openLocalStore();
  });
  afterAll(async () => {
    await local.close();
  });

  it('starts exactly one execution for 20 racing dispatches of the same breach', async () => {
    const evaluation = breachingEvaluation();
    expect(evaluation.decision).toBe('rollback');
    const runs: string[] = [];
    const starter = new LocalWorkflowStarter(async (name) => {
      runs.push(name);
    });
    const deps = { incidents: local.incidents, workflow: starter, clock, service: 'race-service' };
    const results = await Promise.all(Array.from({ length: 20 }, () => dispatch(deps, evaluation)));
    expect(runs).toHaveLength(1);
    expect(results.filter((result) => result.action === 'started')).toHaveLength(1);
    const ids = new Set(results.map((result) => ('incidentId' in result ? result.incidentId : undefined)));
    expect(ids.size).toBe(1);
    const incidents = (await local.incidents.list()).filter(
      (incident) => incident.service === 'race-service',
    );
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.triggers.map((trigger) => trigger.id)).toEqual(['otp_in_critical']);
  });

  it('does not open a second incident while one is in progress, even a minute later', async () => {
    const evaluation = breachingEvaluation();
    const starter = new LocalWorkflowStarter(async () => undefined);
    const first = await dispatch(
      { incidents: local.incidents, workflow: starter, clock, service: 'busy' },
      evaluation,
    );
    if (first.action !== 'started') throw new Error(`expected a start, got ${first.action}`);
    await recordTransition(local.incidents, first.incidentId, new Date(at + 1000), {
      state: 'RevertCommit',
      actor: 'test',
      note: 'moving on',
      status: 'reverting',
    });
    const later = { now: () => new Date(at + 120_000) };
    const second = await dispatch(
      { incidents: local.incidents, workflow: starter, clock: later, service: 'busy' },
      evaluation,
    );
    expect(second).toMatchObject({
      action: 'already_open',
      incidentId: first.incidentId,
      status: 'reverting',
    });
    expect(starter.executions.size).toBe(1);
  });

  it('repairs a lock whose holder crashed before writing the incident, and starts it once', async () => {
    const evaluation = breachingEvaluation();
    const documents = DynamoDBDocumentClient.from(local.dynamo.client);
    const orphanId = incidentIdFor('crashy', v2, at - 600_000);
    await documents.send(
      new PutCommand({
        TableName: LOCAL_TABLE_NAME,
        Item: { pk: 'LOCK', sk: `crashy|${versionKey(v2)}`, incidentId: orphanId },
      }),
    );
    const starter = new LocalWorkflowStarter(async () => undefined);
    const result = await dispatch(
      { incidents: local.incidents, workflow: starter, clock, service: 'crashy' },
      evaluation,
    );
    expect(result).toMatchObject({ action: 'started', incidentId: orphanId });
    expect(await local.incidents.get(orphanId)).toMatchObject({ id: orphanId, status: 'open' });
  });

  it('does nothing for a healthy evaluation', async () => {
    const healthy: Evaluation = { ...breachingEvaluation(), decision: 'none', triggers: [] };
    const starter = new LocalWorkflowStarter(async () => undefined);
    const result = await dispatch(
      { incidents: local.incidents, workflow: starter, clock, service: 'calm' },
      healthy,
    );
    expect(result.action).toBe('none');
    expect(starter.executions.size).toBe(0);
  });
});
