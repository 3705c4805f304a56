/**
 * The synthesized state machine run by the local runner over dynalite, as the tests of people's
 * steering (control.test.ts) and of the incident's notifications (one-alert.test.ts) run it: the
 * steps under test are real, the others return the fixed results below.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Incident } from '../../functions/core/incident/incident.ts';
import type { TriggerResult } from '../../functions/core/triggers/types.ts';
import { type LocalStore, openLocalStore } from '../../functions/local/local-store.ts';
import {
  type AslDefinition,
  loadDefinition,
  type PendingCallback,
  runWorkflow,
  type TaskHandler,
  type WorkflowExecution,
} from '../../functions/local/state-machine/index.ts';

export const v2 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
export const v1 = { ...v2, prompt: 'v1' };
export const AT = Date.parse('2026-11-27T12:00:00Z');

export interface LocalWorkflow {
  definition: AslDefinition;
  local: LocalStore;
  /** A scratch directory, removed after the file's tests. */
  dir: string;
}

/** Loads the definition, opens the local store and makes a scratch directory before the file's tests. */
export function useLocalWorkflow(prefix: string): LocalWorkflow {
  const workflow = {} as LocalWorkflow;
  beforeAll(async () => {
    workflow.definition = loadDefinition();
    workflow.local = await openLocalStore();
    workflow.dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await workflow.local?.close();
    if (workflow.dir) await rm(workflow.dir, { recursive: true, force: true });
  });
  return workflow;
}

/** A trigger result: otp_in_critical is automatic (value 3 over 0), the others manual (over 10, warning at 5). */
export function trigger(
  id: TriggerResult['id'],
  outcome: TriggerResult['outcome'],
  overrides: Partial<TriggerResult> = {},
): TriggerResult {
  const automatic = id === 'otp_in_critical';
  return {
    id,
    kind: automatic ? 'automatic' : 'manual',
    outcome,
    value: automatic ? 3 : 7,
    threshold: automatic ? 0 : 10,
    warningThreshold: automatic ? null : 5,
    samples: 500,
    window: '24h',
    reason: `${id} is ${outcome}`,
    ...overrides,
  };
}

/**
 * Fixed results for the steps not under test; the target (its verification stages
 * `stageSeconds` apart) is written to the record as ChooseTarget would.
 */
export function fixedSteps(options: {
  incidents: LocalStore['incidents'];
  decision: 'rollback' | 'investigate';
  stageSeconds: number;
}): Record<string, TaskHandler> {
  const { incidents, stageSeconds } = options;
  const target = {
    version: v1,
    ref: 'v1.2.0-stable',
    procedure: 'A',
    timing: { immediateSeconds: stageSeconds, shortTermSeconds: stageSeconds, longTermSeconds: stageSeconds },
  };
  return {
    'confirm-trigger': () => ({ stillBreaching: true, decision: options.decision }),
    'capture-state': () => ({ capturedAt: new Date(AT).toISOString() }),
    'choose-target': async (payload) => {
      const incident = (await incidents.get((payload as { incidentId: string }).incidentId)) as Incident;
      await incidents.save({ ...incident, target: target as Incident['target'] }, incident.updatedAt);
      return target;
    },
    'notify-start': () => ({ topic: 'alerts' }),
    'request-approval': () => ({ waiting: true }),
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
}

/** Wall time per definition second: the 24 h approval timeout passes in under 9 s. */
export const WAIT_SCALE = 0.0001;

/** A WorkflowStarter that runs each execution in the local runner and keeps it in `runs`. */
export function localStarter(
  definition: AslDefinition,
  stepHandlers: Record<string, TaskHandler>,
  onCallback?: (pending: PendingCallback, execution: () => WorkflowExecution) => void,
) {
  const runs: WorkflowExecution[] = [];
  return {
    runs,
    async start(executionName: string, input: unknown) {
      let execution: WorkflowExecution | undefined;
      execution = runWorkflow({
        definition,
        input,
        executionName,
        stepHandlers,
        waitScale: WAIT_SCALE,
        onCallback: (pending) => onCallback?.(pending, () => execution as WorkflowExecution),
      });
      runs.push(execution);
      return { executionId: executionName, alreadyStarted: false };
    },
  };
}
