import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingMetricsPublisher } from '../../functions/adapters/cloudwatch-metrics-publisher.ts';
import { ingestBatch } from '../../functions/core/ingest.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import { versionKey } from '../../functions/core/version.ts';
import { type EvaluatorDeps, makeEvaluatorHandler } from '../../functions/handlers/evaluator.ts';
import { localControl } from '../../functions/local/control.ts';
import { type LocalStore, openLocalStore } from '../../functions/local/local-store.ts';
import type { MetricsPublisher } from '../../functions/ports.ts';
import { FileNotifier } from '../support/file-notifier.ts';
import { LocalWorkflowStarter } from '../support/workflow-starter.ts';

const AT = Date.parse('2026-11-27T12:00:00Z');
const v2 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };

/** The scheduled evaluator Lambda's handler on the real local parts. */
describe('the evaluator handler', () => {
  let local: LocalStore;
  beforeAll(async () => {
    local = await openLocalStore();
    const events = Array.from({ length: 120 }, (_, index) => ({
      type: 'classification',
      id: `e-${index}`,
      ts: new Date(AT - 60 * 60_000 + index * 30_000).toISOString(),
      version: v2,
      importance: index % 5 === 0 ? 'critical' : 'routine',
      costUsd: 0.001,
      ...(index === 0 ? { snippet: 'Your verification code is 123456' } : {}),
    }));
    await ingestBatch(local.store, events, DEFAULT_POLICY, { now: AT });
  });
  afterAll(async () => {
    await local.close();
  });

  function deps(publisher: MetricsPublisher, starter: LocalWorkflowStarter): EvaluatorDeps {
    const clock = { now: () => new Date(AT) };
    return {
      metrics: local.store,
      incidents: local.incidents,
      versions: local.versions,
      workflow: starter,
      clock,
      policy: DEFAULT_POLICY,
      notifier: new FileNotifier(join(tmpdir(), 'sentinel-evaluator-test')),
      ...localControl(local, clock),
      publisher,
    };
  }

  it('dispatches the breach and publishes every trigger value that has data, per version', async () => {
    const publisher = new RecordingMetricsPublisher();
    const starter = new LocalWorkflowStarter(async () => undefined);
    const result = await makeEvaluatorHandler(() => deps(publisher, starter))();
    expect(result.evaluated).toBe(1);
    expect(result.dispatched).toHaveLength(1);
    expect(starter.executions.size).toBe(1);
    const byTrigger = Object.fromEntries(
      publisher.published.map((datum) => [datum.dimensions?.Trigger, datum]),
    );
    expect(byTrigger.otp_in_critical).toMatchObject({
      name: 'TriggerValue',
      value: 1,
      dimensions: { Version: versionKey(v2) },
    });
    expect(byTrigger.cost_spike?.value).toBe(1);
    // No GDS report: precision has no value, so no point is published for it.
    expect(byTrigger.critical_precision).toBeUndefined();
  });

  it('still finishes the tick when publishing fails', async () => {
    const failing: MetricsPublisher = {
      publish: async () => {
        throw new Error('CloudWatch is down');
      },
    };
    const starter = new LocalWorkflowStarter(async () => undefined);
    await expect(makeEvaluatorHandler(() => deps(failing, starter))()).resolves.toMatchObject({
      evaluated: 1,
    });
  });
});
