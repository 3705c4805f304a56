/**
 * The local runner executes the ASL synthesized from lib/ (not a copy). The task handlers here are
 * plain functions returning fixed results, only to drive the workflow down each path.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { TransientRepositoryError } from '../../functions/core/revert/errors.ts';
import {
  type AslDefinition,
  loadDefinition,
  MissingTaskHandlerError,
  type PendingCallback,
  runWorkflow,
  sendTaskSuccess,
  TaskDoesNotExistError,
  type TaskHandler,
  type TransitionEvent,
  taskSteps,
} from '../../functions/local/state-machine/index.ts';
import { HAPPY_PATH } from '../support/workflow-paths.ts';

let definition: AslDefinition;
beforeAll(() => {
  definition = loadDefinition();
});

const input = (decision: 'rollback' | 'investigate' = 'rollback') => ({
  incidentId: 'inc-20261127-otp',
  service: 'shopq-classifier',
  version: { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' },
  decision,
  triggers: ['otp_in_critical'],
});

/** 1 s of the definition = 0.1 ms here: the 1 h long-term wait below takes 360 ms. */
const WAIT_SCALE = 0.0001;
const TIMING = { immediateSeconds: 60, shortTermSeconds: 600, longTermSeconds: 3600 };

type Calls = { step: string; stateName: string; payload: unknown }[];

/** Handlers for the happy path; `overrides` replace some steps. Every call is recorded. */
function handlers(calls: Calls, overrides: Record<string, TaskHandler> = {}): Record<string, TaskHandler> {
  const fixed: Record<string, TaskHandler> = {
    'confirm-trigger': () => ({ stillBreaching: true, decision: 'rollback' }),
    'capture-state': () => ({ capturedAt: '2026-11-27T12:00:00.000Z' }),
    'choose-target': () => ({
      version: { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v1' },
      ref: 'v1.2.0-stable',
      procedure: 'A',
      timing: TIMING,
    }),
    'notify-start': () => ({ topic: 'pages' }),
    'request-approval': () => ({ requested: true }),
    'revert-commit': () => ({ sha: 'abc123', branch: 'main', alreadyDone: false, dryRun: false }),
    'check-deploy': () => ({ deployed: true, checkedAt: '2026-11-27T12:05:00.000Z' }),
    verify: (payload) => ({ stage: (payload as { stage: string }).stage, outcome: 'pass', checks: [] }),
    complete: (payload) => ({ outcome: (payload as { outcome: string }).outcome }),
    escalate: () => ({ escalated: true }),
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(fixed).map(([step, handler]) => [
      step,
      (payload: unknown, context: Parameters<TaskHandler>[1]) => {
        calls.push({ step, stateName: context.stateName, payload });
        return handler(payload, context);
      },
    ]),
  );
}

describe('local runner on the synthesized definition', () => {
  it('maps every task state to the step Lambda it invokes', () => {
    expect(taskSteps(definition)).toEqual({
      ConfirmTrigger: 'confirm-trigger',
      CaptureState: 'capture-state',
      ChooseTarget: 'choose-target',
      NotifyStart: 'notify-start',
      WaitForApproval: 'request-approval',
      RemindApproval: 'request-approval',
      RecordRejection: 'complete',
      RevertCommit: 'revert-commit',
      CheckDeploy: 'check-deploy',
      VerifyImmediate: 'verify',
      VerifyShortTerm: 'verify',
      VerifyLongTerm: 'verify',
      Complete: 'complete',
      Escalate: 'escalate',
    });
  });

  it('runs the happy path in order, keeping every step result in the state', async () => {
    const calls: Calls = [];
    const transitions: TransitionEvent[] = [];
    const run = runWorkflow({
      definition,
      input: input(),
      stepHandlers: handlers(calls),
      waitScale: WAIT_SCALE,
      executionName: 'inc-20261127-otp',
      onTransition: (event) => transitions.push(event),
    });
    const result = await run.result;

    expect(result.status).toBe('SUCCEEDED');
    expect(result.visited).toEqual(HAPPY_PATH);
    expect(result.output).toMatchObject({
      ...input(),
      confirm: { stillBreaching: true },
      target: { procedure: 'A', timing: TIMING },
      revert: { sha: 'abc123' },
      deploy: { deployed: true },
      verifyImmediate: { stage: 'immediate', outcome: 'pass' },
      verifyShortTerm: { stage: 'short_term', outcome: 'pass' },
      verifyLongTerm: { stage: 'long_term', outcome: 'pass' },
      complete: { outcome: 'completed' },
    });
    // Payloads as documented in lib/workflow/definition.ts.
    expect(calls.find((call) => call.step === 'confirm-trigger')?.payload).toEqual(input());
    expect(calls.find((call) => call.stateName === 'VerifyShortTerm')?.payload).toMatchObject({
      stage: 'short_term',
      state: { target: { timing: TIMING }, verifyImmediate: { outcome: 'pass' } },
    });
    expect(calls.find((call) => call.step === 'complete')?.payload).toMatchObject({ outcome: 'completed' });

    // The stream: execution started … succeeded, each state entered then exited, with timestamps.
    expect(transitions[0]).toMatchObject({ kind: 'execution', phase: 'started' });
    expect(transitions.at(-1)).toMatchObject({ kind: 'execution', phase: 'succeeded' });
    const entered = transitions.filter((event) => event.kind === 'state' && event.phase === 'entered');
    expect(entered.map((event) => (event.kind === 'state' ? event.stateName : ''))).toEqual(HAPPY_PATH);
    expect(
      entered.find((event) => event.kind === 'state' && event.stateName === 'RevertCommit'),
    ).toMatchObject({
      step: 'revert-commit',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('scales the waits, including the one read from the chosen target', async () => {
    const transitions: TransitionEvent[] = [];
    await runWorkflow({
      definition,
      input: input(),
      stepHandlers: handlers([]),
      waitScale: WAIT_SCALE,
      onTransition: (event) => transitions.push(event),
    }).result;
    const duration = (stateName: string) => {
      const times = transitions
        .filter((event) => event.kind === 'state' && event.stateName === stateName)
        .map((event) => event.timestamp);
      return (times.at(-1) ?? 0) - (times[0] ?? 0);
    };
    // $.target.timing.longTermSeconds = 3600 s × 0.0001 = 360 ms; immediate 60 s → 6 ms.
    expect(duration('WaitForLongTerm')).toBeGreaterThanOrEqual(340);
    expect(duration('WaitForLongTerm')).toBeLessThan(2000);
    expect(duration('WaitForImmediate')).toBeLessThan(200);
  });

  it('polls the deploy until it shows up', async () => {
    let checks = 0;
    const result = await runWorkflow({
      definition,
      input: input(),
      stepHandlers: handlers([], { 'check-deploy': () => ({ deployed: ++checks >= 3 }) }),
      waitScale: WAIT_SCALE,
    }).result;
    expect(result.status).toBe('SUCCEEDED');
    expect(result.visited.filter((name) => name === 'CheckDeploy')).toHaveLength(3);
    expect(result.visited.filter((name) => name === 'WaitBeforeDeployCheck')).toHaveLength(2);
  });

  it('escalates a failed verification and never completes', async () => {
    const calls: Calls = [];
    const result = await runWorkflow({
      definition,
      input: input(),
      stepHandlers: handlers(calls, {
        verify: (payload) => {
          const stage = (payload as { stage: string }).stage;
          return { stage, outcome: stage === 'short_term' ? 'fail' : 'pass', checks: [] };
        },
      }),
      waitScale: WAIT_SCALE,
    }).result;
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('RollbackEscalated');
    expect(result.visited.slice(-4)).toEqual([
      'VerifyShortTerm',
      'ShortTermResult?',
      'Escalate',
      'Escalated',
    ]);
    expect(result.visited).not.toContain('Complete');
    expect(calls.find((call) => call.step === 'escalate')?.payload).toMatchObject({
      verifyShortTerm: { outcome: 'fail' },
    });
  });

  it('judges an inconclusive stage again after its extension wait', async () => {
    let judged = 0;
    const result = await runWorkflow({
      definition,
      input: input(),
      stepHandlers: handlers([], {
        verify: (payload) => {
          const stage = (payload as { stage: string }).stage;
          const outcome = stage === 'immediate' && ++judged === 1 ? 'inconclusive' : 'pass';
          return { stage, outcome, checks: [] };
        },
      }),
      waitScale: WAIT_SCALE,
    }).result;
    expect(result.status).toBe('SUCCEEDED');
    const at = result.visited.indexOf('VerifyImmediate');
    expect(result.visited.slice(at, at + 5)).toEqual([
      'VerifyImmediate',
      'ImmediateResult?',
      'ExtendImmediate',
      'VerifyImmediate',
      'ImmediateResult?',
    ]);
  });

  it('catches an error thrown in RevertCommit and escalates with it', async () => {
    const calls: Calls = [];
    class GitHubAuthError extends Error {
      override readonly name = 'GitHubAuthError';
    }
    const result = await runWorkflow({
      definition,
      input: input(),
      stepHandlers: handlers(calls, {
        'revert-commit': () => {
          throw new GitHubAuthError('401 Bad credentials');
        },
      }),
      waitScale: WAIT_SCALE,
    }).result;
    expect(result.status).toBe('FAILED');
    expect(result.visited.slice(-3)).toEqual(['RevertCommit', 'Escalate', 'Escalated']);
    expect(calls.find((call) => call.step === 'escalate')?.payload).toMatchObject({
      error: { Error: 'GitHubAuthError', Cause: expect.stringContaining('401 Bad credentials') },
    });
    expect(calls.filter((call) => call.step === 'revert-commit')).toHaveLength(1); // not transient: no retry
  });

  it('retries a TransientRepositoryError, then goes on', async () => {
    let attempts = 0;
    const result = await runWorkflow({
      definition,
      input: input(),
      stepHandlers: handlers([], {
        'capture-state': () => {
          attempts += 1;
          if (attempts === 1) throw new TransientRepositoryError('HTTP 502 from the repository', false);
          return { capturedAt: 'now' };
        },
      }),
      waitScale: WAIT_SCALE,
    }).result;
    expect(result.status).toBe('SUCCEEDED');
    expect(attempts).toBe(2);
    expect(result.transitions).toContainEqual(
      expect.objectContaining({ kind: 'state', phase: 'retried', stateName: 'CaptureState' }),
    );
  });

  it('drops the incident when the trigger no longer breaches', async () => {
    const result = await runWorkflow({
      definition,
      input: input(),
      stepHandlers: handlers([], { 'confirm-trigger': () => ({ stillBreaching: false, decision: 'none' }) }),
    }).result;
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      visited: ['ConfirmTrigger', 'StillBreaching?', 'Dropped'],
    });
  });

  describe('approval callbacks', () => {
    /** Starts a manual-trigger run and resolves with the run and its first pending callback. */
    async function waitingForApproval(calls: Calls) {
      let announce: (pending: PendingCallback) => void = () => undefined;
      const announced = new Promise<PendingCallback>((resolve) => {
        announce = resolve;
      });
      const run = runWorkflow({
        definition,
        input: input('investigate'),
        stepHandlers: handlers(calls),
        waitScale: WAIT_SCALE,
        onCallback: (pending) => announce(pending),
      });
      return { run, pending: await announced };
    }

    it('waits for the task token, then continues after sendTaskSuccess', async () => {
      const calls: Calls = [];
      const { run, pending } = await waitingForApproval(calls);
      expect(pending).toMatchObject({ stateName: 'WaitForApproval', step: 'request-approval' });
      // The Lambda got the state and the same token the runner waits on.
      const request = calls.find((call) => call.step === 'request-approval')?.payload as {
        taskToken: string;
        state: unknown;
      };
      expect(request.taskToken).toBe(pending.token);
      expect(request.state).toMatchObject({ incidentId: 'inc-20261127-otp', target: { procedure: 'A' } });
      expect(run.pendingCallbacks().map((callback) => callback.token)).toEqual([pending.token]);
      // Still waiting: nothing after the approval has run.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(calls.map((call) => call.step)).not.toContain('revert-commit');

      run.sendTaskSuccess(pending.token, { approved: true, by: 'alice@cli', note: 'go' });
      const result = await run.result;
      expect(result.status).toBe('SUCCEEDED');
      expect(result.visited.slice(5, 9)).toEqual([
        'NeedsApproval?',
        'WaitForApproval',
        'Approved?',
        'RevertCommit',
      ]);
      expect(result.output).toMatchObject({ approval: { approved: true, by: 'alice@cli' } });
      expect(() => run.sendTaskSuccess(pending.token, {})).toThrow(TaskDoesNotExistError);
    });

    it('records a rejection and ends Rejected', async () => {
      const calls: Calls = [];
      const { run, pending } = await waitingForApproval(calls);
      sendTaskSuccess(pending.token, { approved: false, by: 'bob@cli', note: 'false alarm' }); // module-wide form
      const result = await run.result;
      expect(result.status).toBe('SUCCEEDED');
      expect(result.visited.slice(-3)).toEqual(['Approved?', 'RecordRejection', 'Rejected']);
      expect(calls.find((call) => call.stateName === 'RecordRejection')?.payload).toMatchObject({
        outcome: 'rejected',
      });
    });

    it('escalates on sendTaskFailure', async () => {
      const { run, pending } = await waitingForApproval([]);
      run.sendTaskFailure(pending.token, 'ApprovalExpired', 'token expired');
      const result = await run.result;
      expect(result.visited.slice(-3)).toEqual(['WaitForApproval', 'Escalate', 'Escalated']);
      expect(result.transitions).toContainEqual(
        expect.objectContaining({ phase: 'failed', stateName: 'WaitForApproval', error: 'ApprovalExpired' }),
      );
    });

    it('stops waiting when the execution is aborted', async () => {
      const { run, pending } = await waitingForApproval([]);
      run.abort();
      const result = await run.result;
      expect(result.status).toBe('ABORTED');
      expect(run.pendingCallbacks()).toEqual([]);
      expect(() => sendTaskSuccess(pending.token, { approved: true })).toThrow(TaskDoesNotExistError);
    });

    it('reminds once when nobody answers in the first half, then escalates after the second', async () => {
      const result = await runWorkflow({
        definition,
        input: input('investigate'),
        stepHandlers: handlers([]),
        waitScale: 0.00001, // 12 h → 432 ms, twice
      }).result;
      expect(result.visited.slice(-4)).toEqual([
        'WaitForApproval',
        'RemindApproval',
        'Escalate',
        'Escalated',
      ]);
      expect(result.transitions).toContainEqual(
        expect.objectContaining({ phase: 'failed', stateName: 'RemindApproval', error: 'States.Timeout' }),
      );
    });

    it('goes on with the revert when the answer comes after the reminder', async () => {
      const run = runWorkflow({
        definition,
        input: input('investigate'),
        stepHandlers: handlers([]),
        waitScale: 0.00001,
        onCallback: (pending) => {
          if (pending.stateName === 'RemindApproval') {
            run.sendTaskSuccess(pending.token, { approved: true, by: 'late-reviewer', note: '' });
          }
        },
      });
      const result = await run.result;
      expect(result.status).toBe('SUCCEEDED');
      expect(result.visited).toEqual(
        expect.arrayContaining(['WaitForApproval', 'RemindApproval', 'RevertCommit']),
      );
    });
  });

  it('refuses to start without a handler for every task state', () => {
    const { escalate: _escalate, ...withoutEscalate } = handlers([]);
    expect(() => runWorkflow({ definition, input: input(), stepHandlers: withoutEscalate })).toThrow(
      MissingTaskHandlerError,
    );
    expect(() => runWorkflow({ definition, input: input(), stepHandlers: withoutEscalate })).toThrow(
      /Escalate/,
    );
  });

  it('follows lib/: a state renamed in the construct is the state the local run visits', async () => {
    const renamed = loadDefinition({
      stack: { workflow: { stateNames: { verifyShortTerm: 'VerifyAfterFourHours' } } },
    });
    expect(Object.keys(renamed.States)).toContain('VerifyAfterFourHours');
    expect(Object.keys(renamed.States)).not.toContain('VerifyShortTerm');
    expect(taskSteps(renamed).VerifyAfterFourHours).toBe('verify');

    const result = await runWorkflow({
      definition: renamed,
      input: input(),
      stepHandlers: handlers([]),
      waitScale: WAIT_SCALE,
    }).result;
    expect(result.status).toBe('SUCCEEDED');
    expect(result.visited).toEqual(
      HAPPY_PATH.map((name) => (name === 'VerifyShortTerm' ? 'VerifyAfterFourHours' : name)),
    );
  });
});
