import { Duration } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { RETRYABLE_ERROR_NAMES } from '../../functions/core/retryable.ts';
import { TRANSIENT_ERRORS } from '../../lib/workflow/definition.ts';
import { HAPPY_PATH } from '../support/workflow-paths.ts';
import { type Asl, parseDefinition, type Resource, synthTemplate, walk } from './synth.ts';

let asl: Asl;
let lambdas: Record<string, Resource>;

beforeAll(() => {
  const template = synthTemplate();
  asl = parseDefinition(template).asl;
  lambdas = template.findResources('AWS::Lambda::Function') as Record<string, Resource>;
});

const input = {
  incidentId: 'inc-1',
  service: 'shopq-classifier',
  version: { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' },
  triggers: ['otp_in_critical'],
};
const happy = {
  ...input,
  decision: 'rollback',
  confirm: { stillBreaching: true },
  approval: { approved: true },
  deploy: { deployed: true },
  verifyImmediate: { outcome: 'pass' },
  verifyShortTerm: { outcome: 'pass' },
  verifyLongTerm: { outcome: 'pass' },
};
const tasks = () => Object.entries(asl.States).filter(([, state]) => state.Type === 'Task');

describe('the rollback workflow definition', () => {
  it('runs the happy path of an automatic trigger in the documented order', () => {
    expect(walk(asl, happy)).toEqual(HAPPY_PATH);
    expect(asl.States.Succeeded?.Type).toBe('Succeed');
  });

  it('asks a person before reverting for a manual trigger, and records a rejection', () => {
    const approvedPath = walk(asl, { ...happy, decision: 'investigate' });
    expect(approvedPath.slice(5, 9)).toEqual([
      'NeedsApproval?',
      'WaitForApproval',
      'Approved?',
      'RevertCommit',
    ]);
    expect(approvedPath.at(-1)).toBe('Succeeded');

    const rejected = walk(asl, { ...happy, decision: 'investigate', approval: { approved: false } });
    expect(rejected.slice(6)).toEqual(['WaitForApproval', 'Approved?', 'RecordRejection', 'Rejected']);
    expect(asl.States.Rejected?.Type).toBe('Succeed');
  });

  it("goes straight to the revert for a person's own rollback (decision manual): the operator is the approval", () => {
    const path = walk(asl, { ...happy, decision: 'manual' });
    expect(path).not.toContain('WaitForApproval');
    expect(path.indexOf('RevertCommit')).toBeGreaterThan(path.indexOf('NotifyStart'));
  });

  it('treats an unknown decision like a manual one: approval first', () => {
    expect(walk(asl, { ...happy, decision: 'something-new' })).toContain('WaitForApproval');
    expect(walk(asl, { ...happy, decision: undefined })).toContain('WaitForApproval');
  });

  it('drops an incident whose trigger no longer breaches', () => {
    expect(walk(asl, { ...happy, confirm: { stillBreaching: false } })).toEqual([
      'ConfirmTrigger',
      'StillBreaching?',
      'Dropped',
    ]);
    expect(asl.States.Dropped?.Type).toBe('Succeed');
  });

  it('polls the deploy every 30 s until it shows up', () => {
    const path = walk(asl, { ...happy, deploy: { deployed: false } }, 14);
    expect(path.slice(7)).toEqual([
      'CheckDeploy',
      'Deployed?',
      'WaitBeforeDeployCheck',
      'CheckDeploy',
      'Deployed?',
      'WaitBeforeDeployCheck',
      'CheckDeploy',
    ]);
    expect(asl.States.WaitBeforeDeployCheck?.Seconds).toBe(30);
  });

  it.each([
    ['verifyImmediate', 'VerifyImmediate', 'ExtendImmediate'],
    ['verifyShortTerm', 'VerifyShortTerm', 'ExtendShortTerm'],
    ['verifyLongTerm', 'VerifyLongTerm', 'ExtendLongTerm'],
  ])('%s: fail escalates, inconclusive waits and judges the same stage again', (key, verify, extend) => {
    const failed = walk(asl, { ...happy, [key]: { outcome: 'fail' } });
    expect(failed.slice(-3)).toEqual([`${verify.replace('Verify', '')}Result?`, 'Escalate', 'Escalated']);

    const inconclusive = walk(asl, { ...happy, [key]: { outcome: 'inconclusive' } }, 40);
    const at = inconclusive.indexOf(verify);
    expect(inconclusive.slice(at, at + 5)).toEqual([
      verify,
      `${verify.replace('Verify', '')}Result?`,
      extend,
      verify,
      `${verify.replace('Verify', '')}Result?`,
    ]);
    expect(asl.States[extend]?.Seconds).toBe(15 * 60);
  });

  it("waits the policy's verification.inconclusive.retryAfter before judging an inconclusive stage again", () => {
    const policy = { verification: { inconclusive: { retryAfter: '7m' } } };
    const fromPolicy = parseDefinition(synthTemplate({ context: { policy: JSON.stringify(policy) } })).asl;
    for (const extend of ['ExtendImmediate', 'ExtendShortTerm', 'ExtendLongTerm'])
      expect(fromPolicy.States[extend]?.Seconds, extend).toBe(7 * 60);
    // An explicit stack prop wins over the policy (tests, demos with shortened waits).
    const overridden = parseDefinition(
      synthTemplate({
        context: { policy: JSON.stringify(policy) },
        stack: { workflow: { verifyRetryWait: Duration.seconds(90) } },
      }),
    ).asl;
    expect(overridden.States.ExtendShortTerm?.Seconds).toBe(90);
  });

  it('never proceeds on a malformed step result: missing fields escalate', () => {
    expect(walk(asl, { ...happy, confirm: {} }).slice(-2)).toEqual(['Escalate', 'Escalated']);
    expect(walk(asl, { ...happy, deploy: {} }).slice(-2)).toEqual(['Escalate', 'Escalated']);
    expect(walk(asl, { ...happy, verifyShortTerm: { outcome: 'maybe' } }).slice(-2)).toEqual([
      'Escalate',
      'Escalated',
    ]);
    expect(walk(asl, { ...happy, decision: 'investigate', approval: {} }).slice(-2)).toEqual([
      'Escalate',
      'Escalated',
    ]);
  });

  it('ends escalations in a Fail state', () => {
    expect(asl.States.Escalate?.Next).toBe('Escalated');
    expect(asl.States.Escalated).toMatchObject({ Type: 'Fail', Error: 'RollbackEscalated' });
  });

  it('gives every task an explicit TimeoutSeconds above its Lambda timeout', () => {
    expect(tasks()).toHaveLength(14);
    for (const [name, state] of tasks()) {
      expect(state.TimeoutSeconds, name).toBeGreaterThan(0);
      const functionToken = (state.Parameters?.FunctionName as string | undefined) ?? state.Resource ?? '';
      const logicalId = /^<<(\w+)\.Arn>>$/.exec(functionToken)?.[1];
      const lambdaTimeout = lambdas[logicalId ?? '']?.Properties.Timeout as number | undefined;
      expect(lambdaTimeout, `${name} invokes a Lambda of the stack`).toBeDefined();
      expect(state.TimeoutSeconds, name).toBeGreaterThan(lambdaTimeout ?? Number.POSITIVE_INFINITY);
    }
  });

  it('retries tasks with backoff on transient errors only: the Lambda service errors and the named retryable ones', () => {
    const lambdaErrors = [
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
    ];
    // The names the step code throws (functions/core/retryable.ts), not a name nothing throws.
    expect(RETRYABLE_ERROR_NAMES).toEqual(
      expect.arrayContaining(['TransientRepositoryError', 'RateLimitedError']),
    );
    const transient = new Set<string>([...lambdaErrors, ...RETRYABLE_ERROR_NAMES]);
    expect(new Set(TRANSIENT_ERRORS)).toEqual(transient);
    expect(transient.has('TransientError')).toBe(false);
    for (const [name, state] of tasks()) {
      expect(state.Retry?.length, name).toBeGreaterThan(0);
      // Every transient error is retried by some retrier of every task, and nothing else is.
      const retried = new Set((state.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals));
      expect(retried, name).toEqual(transient);
      for (const retrier of state.Retry ?? []) {
        expect(retrier.BackoffRate, name).toBeGreaterThanOrEqual(2);
        expect(retrier.MaxAttempts, name).toBeGreaterThan(0);
      }
    }
    // A rate limit waits longer than a dropped connection.
    const revert = asl.States.RevertCommit?.Retry ?? [];
    const rateLimit = revert.find((retrier) => retrier.ErrorEquals.includes('RateLimitedError'));
    expect(rateLimit?.IntervalSeconds).toBeGreaterThanOrEqual(30);
    expect(rateLimit?.ErrorEquals).toEqual(['RateLimitedError']);
  });

  it('catches every error of every task except Escalate into Escalate, keeping the state', () => {
    for (const [name, state] of tasks()) {
      if (name === 'Escalate') {
        expect(state.Catch, 'Escalate must not catch into itself').toBeUndefined();
        continue;
      }
      // The first approval timeout is not a failure: it sends the one reminder.
      const reminder =
        name === 'WaitForApproval'
          ? [{ ErrorEquals: ['States.Timeout'], Next: 'RemindApproval', ResultPath: '$.approvalTimedOut' }]
          : [];
      expect(state.Catch, name).toEqual([
        ...reminder,
        { ErrorEquals: ['States.ALL'], Next: 'Escalate', ResultPath: '$.error' },
      ]);
    }
  });

  it('waits for the approval callback with a task token: 12 h, one reminder, 12 h more (24 h in all)', () => {
    const approval = asl.States.WaitForApproval;
    expect(approval?.Resource).toMatch(/:states:::lambda:invoke\.waitForTaskToken$/);
    expect(approval?.TimeoutSeconds).toBe(12 * 3600);
    expect(approval?.Parameters?.Payload).toEqual({ 'state.$': '$', 'taskToken.$': '$$.Task.Token' });
    expect(approval?.ResultPath).toBe('$.approval');
    const reminder = asl.States.RemindApproval;
    expect(reminder?.Resource).toMatch(/:states:::lambda:invoke\.waitForTaskToken$/);
    expect(reminder?.TimeoutSeconds).toBe(12 * 3600);
    expect(reminder?.Parameters?.Payload).toEqual({
      'state.$': '$',
      'taskToken.$': '$$.Task.Token',
      reminder: true,
    });
    expect(reminder?.Next).toBe(approval?.Next);
  });

  it('stores each step result under the step name and keeps the rest of the state', () => {
    const resultPaths = Object.fromEntries(tasks().map(([name, state]) => [name, state.ResultPath]));
    expect(resultPaths).toEqual({
      ConfirmTrigger: '$.confirm',
      CaptureState: '$.capture',
      ChooseTarget: '$.target',
      NotifyStart: '$.notifyStart',
      WaitForApproval: '$.approval',
      RemindApproval: '$.approval',
      RecordRejection: '$.rejection',
      RevertCommit: '$.revert',
      CheckDeploy: '$.deploy',
      VerifyImmediate: '$.verifyImmediate',
      VerifyShortTerm: '$.verifyShortTerm',
      VerifyLongTerm: '$.verifyLongTerm',
      Complete: '$.complete',
      Escalate: '$.escalation',
    });
    // payloadResponseOnly: the function itself is the resource, so its return value is the result.
    expect(asl.States.ConfirmTrigger?.Resource).toMatch(/^<<\w+\.Arn>>$/);
    expect(asl.States.ConfirmTrigger?.Parameters).toBeUndefined();
  });

  it('passes the stage or outcome beside the whole state where one Lambda serves several states', () => {
    expect(asl.States.VerifyImmediate?.Parameters).toEqual({ stage: 'immediate', 'state.$': '$' });
    expect(asl.States.VerifyShortTerm?.Parameters).toEqual({ stage: 'short_term', 'state.$': '$' });
    expect(asl.States.VerifyLongTerm?.Parameters).toEqual({ stage: 'long_term', 'state.$': '$' });
    expect(asl.States.Complete?.Parameters).toEqual({ outcome: 'completed', 'state.$': '$' });
    expect(asl.States.RecordRejection?.Parameters).toEqual({ outcome: 'rejected', 'state.$': '$' });
    expect(asl.States.VerifyImmediate?.Resource).toBe(asl.States.VerifyLongTerm?.Resource);
  });

  it('waits for each verification stage as long as the chosen target says', () => {
    expect(asl.States.WaitForImmediate?.SecondsPath).toBe('$.target.timing.immediateSeconds');
    expect(asl.States.WaitForShortTerm?.SecondsPath).toBe('$.target.timing.shortTermSeconds');
    expect(asl.States.WaitForLongTerm?.SecondsPath).toBe('$.target.timing.longTermSeconds');
  });

  it('has no unreachable or dangling states', () => {
    const reachable = new Set<string>();
    const queue = [asl.StartAt];
    while (queue.length > 0) {
      const name = queue.pop() as string;
      if (reachable.has(name)) continue;
      const state = asl.States[name];
      expect(state, `${name} is referenced but missing`).toBeDefined();
      reachable.add(name);
      for (const next of [
        state?.Next,
        state?.Default,
        ...(state?.Choices ?? []).map((rule) => rule.Next),
        ...(state?.Catch ?? []).map((catcher) => catcher.Next),
      ]) {
        if (next !== undefined) queue.push(next);
      }
    }
    expect([...reachable].sort()).toEqual(Object.keys(asl.States).sort());
  });
});
