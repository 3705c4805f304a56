/**
 * The rollback workflow: the only definition there is. CDK deploys it as a Step Functions
 * Standard state machine, and the local runner (functions/local/state-machine) executes the ASL
 * CDK synthesizes from it — never a hand-written copy.
 *
 * ## State data
 * The execution input is the dispatcher's `WorkflowInput`
 * `{ incidentId, service, version, decision, triggers }`. Every task keeps the whole state and
 * stores its Lambda's return value (only that, `payloadResponseOnly`) under its result key:
 * `$.confirm`, `$.capture`, `$.target`, `$.notifyStart`, `$.approval`, `$.rejection`, `$.revert`,
 * `$.deploy`, `$.verifyImmediate`, `$.verifyShortTerm`, `$.verifyLongTerm`, `$.complete`,
 * `$.escalation`. A caught error lands at `$.error` as `{ Error, Cause }` before Escalate.
 *
 * ## Lambda payloads (what each handler receives)
 * - confirm-trigger, capture-state, choose-target, notify-start, revert-commit, check-deploy,
 *   escalate: the whole state.
 * - verify: `{ stage: 'immediate' | 'short_term' | 'long_term', state }` (one Lambda, three stages).
 * - complete: `{ outcome: 'completed' | 'rejected', state }` (Complete, and RecordRejection).
 * - request-approval: `{ state, taskToken }`, invoked with `.waitForTaskToken`: the Lambda hands
 *   the token to a human; the state's result is the output given to SendTaskSuccess.
 *
 * ## Results the choices read
 * - `$.confirm.stillBreaching` (boolean): false → Dropped.
 * - `$.target.timing.{immediateSeconds, shortTermSeconds, longTermSeconds}`: the stage waits.
 * - `$.approval.approved` (boolean): false → RecordRejection → Rejected.
 * - `$.deploy.deployed` (boolean): false → wait and poll again. check-deploy itself fails with a
 *   named error (DeployTimeoutError) once its deadline passes, which escalates.
 * - `$.verify*.outcome`: pass → next stage; inconclusive → wait and judge the same stage again
 *   (verify fails with a named error once its extension limit is reached); fail → Escalate.
 * A missing or malformed field never lets the workflow proceed: the choices send it to Escalate.
 */
import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Choice,
  Condition,
  Errors,
  Fail,
  type IChainable,
  IntegrationPattern,
  JitterType,
  JsonPath,
  type State,
  Succeed,
  TaskInput,
  type TaskStateBase,
  Timeout,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { RETRYABLE_ERROR_NAMES, RETRYABLE_ERRORS } from '../../functions/core/retryable.ts';

/** One Lambda per step; entries are `functions/handlers/workflow/<step>.ts`. */
export const WORKFLOW_STEPS = [
  'confirm-trigger',
  'capture-state',
  'choose-target',
  'notify-start',
  'request-approval',
  'revert-commit',
  'check-deploy',
  'verify',
  'complete',
  'escalate',
] as const;
export type WorkflowStep = (typeof WORKFLOW_STEPS)[number];

/** The states, in the order of the happy path, then the side exits. Values are the state names. */
export const DEFAULT_STATE_NAMES = {
  confirmTrigger: 'ConfirmTrigger',
  stillBreaching: 'StillBreaching?',
  dropped: 'Dropped',
  captureState: 'CaptureState',
  chooseTarget: 'ChooseTarget',
  notifyStart: 'NotifyStart',
  needsApproval: 'NeedsApproval?',
  waitForApproval: 'WaitForApproval',
  remindApproval: 'RemindApproval',
  approved: 'Approved?',
  recordRejection: 'RecordRejection',
  rejected: 'Rejected',
  revertCommit: 'RevertCommit',
  checkDeploy: 'CheckDeploy',
  deployed: 'Deployed?',
  waitBeforeDeployCheck: 'WaitBeforeDeployCheck',
  waitForImmediate: 'WaitForImmediate',
  verifyImmediate: 'VerifyImmediate',
  immediateResult: 'ImmediateResult?',
  extendImmediate: 'ExtendImmediate',
  waitForShortTerm: 'WaitForShortTerm',
  verifyShortTerm: 'VerifyShortTerm',
  shortTermResult: 'ShortTermResult?',
  extendShortTerm: 'ExtendShortTerm',
  waitForLongTerm: 'WaitForLongTerm',
  verifyLongTerm: 'VerifyLongTerm',
  longTermResult: 'LongTermResult?',
  extendLongTerm: 'ExtendLongTerm',
  complete: 'Complete',
  succeeded: 'Succeeded',
  escalate: 'Escalate',
  escalated: 'Escalated',
} as const;
export type StateKey = keyof typeof DEFAULT_STATE_NAMES;
export type StateNames = Record<StateKey, string>;

/**
 * The Lambda service's own transient failures, retried as AWS recommends for LambdaInvoke tasks
 * (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * The only errors worth retrying: the Lambda service's, and the named errors a step throws when
 * the same call may succeed later (`RETRYABLE_ERROR_NAMES`, the one list in functions/core that
 * the error classes take their names from). Everything else is caught and escalated.
 */
export const TRANSIENT_ERRORS: readonly string[] = [...LAMBDA_SERVICE_ERRORS, ...RETRYABLE_ERROR_NAMES];

/** The error of the terminal `Escalated` Fail state. */
export const ESCALATED_ERROR = 'RollbackEscalated';

export interface RollbackDefinitionOptions {
  /** The Lambda of each step. */
  readonly functions: Record<WorkflowStep, IFunction>;
  /**
   * `TimeoutSeconds` of each step's task (the approval task uses `approvalTimeout`).
   * Keep it above the Lambda's own timeout so a slow invocation fails in Lambda first.
   */
  readonly taskTimeouts: Record<WorkflowStep, Duration>;
  /**
   * How long a manual trigger waits for a human's approval before it escalates; after half of
   * it, one reminder goes out.
   * @default Duration.hours(24)
   */
  readonly approvalTimeout?: Duration;
  /**
   * Pause between two deploy checks.
   * @default Duration.seconds(30)
   */
  readonly deployPollInterval?: Duration;
  /**
   * Pause before an inconclusive verification stage is judged again.
   * @default Duration.minutes(15) (the policy default; RollbackSentinelStack passes the policy's
   * `verification.inconclusive.retryAfter`)
   */
  readonly verifyRetryWait?: Duration;
  /**
   * State names to use instead of the defaults (a rename here is followed by the cloud
   * deployment and the local runner alike).
   * @default DEFAULT_STATE_NAMES
   */
  readonly stateNames?: Partial<StateNames>;
}

/** Builds the chain in `scope` and returns its start state. */
export function buildRollbackDefinition(scope: Construct, options: RollbackDefinitionOptions): IChainable {
  const names: StateNames = { ...DEFAULT_STATE_NAMES, ...options.stateNames };
  const whole = JsonPath.entirePayload;

  const retryTransient = <T extends TaskStateBase>(task: T): T => {
    // A rate limit needs minutes, not seconds: it gets its own, slower retrier (the first
    // retrier whose ErrorEquals matches is the one Step Functions uses).
    task.addRetry({
      errors: [RETRYABLE_ERRORS.rateLimited],
      interval: Duration.seconds(30),
      backoffRate: 2,
      maxAttempts: 3,
      maxDelay: Duration.minutes(5),
      jitterStrategy: JitterType.FULL,
    });
    task.addRetry({
      errors: TRANSIENT_ERRORS.filter((name) => name !== RETRYABLE_ERRORS.rateLimited),
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 4,
      maxDelay: Duration.seconds(30),
      jitterStrategy: JitterType.FULL,
    });
    return task;
  };

  // Escalate: retried on transient errors, never caught (a catch to itself would loop).
  const escalated = new Fail(scope, 'escalated', {
    stateName: names.escalated,
    error: ESCALATED_ERROR,
    cause: 'The rollback needs a person: see the incident record and the page that was sent.',
  });
  const escalate = retryTransient(
    new LambdaInvoke(scope, 'escalate', {
      stateName: names.escalate,
      lambdaFunction: options.functions.escalate,
      // No payload: with payloadResponseOnly the task passes its whole input to the Lambda.
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.escalation',
      taskTimeout: Timeout.duration(options.taskTimeouts.escalate),
    }),
  );
  escalate.next(escalated);

  /**
   * A step task: transient retries with backoff, every other error caught to Escalate. Without
   * `payload` the Lambda receives the whole state (no Parameters); its return value, and only
   * that (`payloadResponseOnly`), lands at `$.<resultKey>`.
   */
  const task = (key: StateKey, step: WorkflowStep, resultKey: string, payload?: TaskInput): LambdaInvoke => {
    const invoke = retryTransient(
      new LambdaInvoke(scope, key, {
        stateName: names[key],
        lambdaFunction: options.functions[step],
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        payload,
        resultPath: `$.${resultKey}`,
        taskTimeout: Timeout.duration(options.taskTimeouts[step]),
      }),
    );
    invoke.addCatch(escalate, { errors: [Errors.ALL], resultPath: '$.error' });
    return invoke;
  };

  const isTrue = (path: string) =>
    Condition.and(Condition.isPresent(path), Condition.booleanEquals(path, true));
  const isFalse = (path: string) =>
    Condition.and(Condition.isPresent(path), Condition.booleanEquals(path, false));
  const outcomeIs = (path: string, outcome: 'pass' | 'fail' | 'inconclusive') =>
    Condition.and(Condition.isPresent(path), Condition.stringEquals(path, outcome));
  const wait = (key: StateKey, time: WaitTime) => new Wait(scope, key, { stateName: names[key], time });

  // Terminal states.
  const succeeded = new Succeed(scope, 'succeeded', { stateName: names.succeeded });
  const dropped = new Succeed(scope, 'dropped', {
    stateName: names.dropped,
    comment: 'The trigger no longer breaches: nothing to roll back.',
  });
  const rejected = new Succeed(scope, 'rejected', {
    stateName: names.rejected,
    comment: 'A person rejected the rollback; the rejection is in the incident record.',
  });

  const complete = task(
    'complete',
    'complete',
    'complete',
    TaskInput.fromObject({ outcome: 'completed', state: whole }),
  );
  complete.next(succeeded);
  const recordRejection = task(
    'recordRejection',
    'complete',
    'rejection',
    TaskInput.fromObject({ outcome: 'rejected', state: whole }),
  );
  recordRejection.next(rejected);

  // Verification stages, built from the last one back: pass → next, inconclusive → wait and
  // judge again, fail (or anything else) → Escalate.
  const verifyRetryWait = options.verifyRetryWait ?? Duration.minutes(15);
  const stage = (
    keys: { verify: StateKey; result: StateKey; extend: StateKey },
    stageName: 'immediate' | 'short_term' | 'long_term',
    resultKey: string,
    onPass: State,
  ): LambdaInvoke => {
    const verify = task(
      keys.verify,
      'verify',
      resultKey,
      TaskInput.fromObject({ stage: stageName, state: whole }),
    );
    const outcome = `$.${resultKey}.outcome`;
    const extend = wait(keys.extend, WaitTime.duration(verifyRetryWait));
    extend.next(verify);
    verify.next(
      new Choice(scope, keys.result, { stateName: names[keys.result] })
        .when(outcomeIs(outcome, 'fail'), escalate)
        .when(outcomeIs(outcome, 'inconclusive'), extend)
        .when(outcomeIs(outcome, 'pass'), onPass)
        .otherwise(escalate),
    );
    return verify;
  };
  const verifyLongTerm = stage(
    { verify: 'verifyLongTerm', result: 'longTermResult', extend: 'extendLongTerm' },
    'long_term',
    'verifyLongTerm',
    complete,
  );
  const waitForLongTerm = wait('waitForLongTerm', WaitTime.secondsPath('$.target.timing.longTermSeconds'));
  waitForLongTerm.next(verifyLongTerm);
  const verifyShortTerm = stage(
    { verify: 'verifyShortTerm', result: 'shortTermResult', extend: 'extendShortTerm' },
    'short_term',
    'verifyShortTerm',
    waitForLongTerm,
  );
  const waitForShortTerm = wait('waitForShortTerm', WaitTime.secondsPath('$.target.timing.shortTermSeconds'));
  waitForShortTerm.next(verifyShortTerm);
  const verifyImmediate = stage(
    { verify: 'verifyImmediate', result: 'immediateResult', extend: 'extendImmediate' },
    'immediate',
    'verifyImmediate',
    waitForShortTerm,
  );
  const waitForImmediate = wait('waitForImmediate', WaitTime.secondsPath('$.target.timing.immediateSeconds'));
  waitForImmediate.next(verifyImmediate);

  // Deploy: poll until the restored version shows up in live traffic.
  const checkDeploy = task('checkDeploy', 'check-deploy', 'deploy');
  const waitBeforeDeployCheck = wait(
    'waitBeforeDeployCheck',
    WaitTime.duration(options.deployPollInterval ?? Duration.seconds(30)),
  );
  waitBeforeDeployCheck.next(checkDeploy);
  checkDeploy.next(
    new Choice(scope, 'deployed', { stateName: names.deployed })
      .when(isTrue('$.deploy.deployed'), waitForImmediate)
      .when(isFalse('$.deploy.deployed'), waitBeforeDeployCheck)
      .otherwise(escalate),
  );

  const revertCommit = task('revertCommit', 'revert-commit', 'revert');
  revertCommit.next(checkDeploy);

  // Approval for manual triggers: the Lambda sends the token to a human and returns; the task
  // waits for SendTaskSuccess / SendTaskFailure. The approval timeout is spent in two halves:
  // a first timeout sends one reminder with a fresh token, a second one escalates (page).
  const approvalHalf = Duration.seconds(
    Math.floor((options.approvalTimeout ?? Duration.hours(24)).toSeconds() / 2),
  );
  const approvalTask = (id: 'waitForApproval' | 'remindApproval', reminder: boolean) =>
    retryTransient(
      new LambdaInvoke(scope, id, {
        stateName: names[id],
        lambdaFunction: options.functions['request-approval'],
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        retryOnServiceExceptions: false,
        payload: TaskInput.fromObject({
          state: whole,
          taskToken: JsonPath.taskToken,
          ...(reminder ? { reminder } : {}),
        }),
        resultPath: '$.approval',
        taskTimeout: Timeout.duration(approvalHalf),
      }),
    );
  const approved = new Choice(scope, 'approved', { stateName: names.approved })
    .when(isTrue('$.approval.approved'), revertCommit)
    .when(isFalse('$.approval.approved'), recordRejection)
    .otherwise(escalate);
  const remindApproval = approvalTask('remindApproval', true);
  remindApproval.addCatch(escalate, { errors: [Errors.ALL], resultPath: '$.error' });
  remindApproval.next(approved);
  const waitForApproval = approvalTask('waitForApproval', false);
  waitForApproval.addCatch(remindApproval, { errors: [Errors.TIMEOUT], resultPath: '$.approvalTimedOut' });
  waitForApproval.addCatch(escalate, { errors: [Errors.ALL], resultPath: '$.error' });
  waitForApproval.next(approved);

  // An automatic trigger ('rollback') and a person's own request ('manual': the operator is the
  // approval) go straight to the revert; anything else — manual triggers ('investigate'), or a
  // decision the workflow does not know — waits for a person.
  const needsApproval = new Choice(scope, 'needsApproval', { stateName: names.needsApproval })
    .when(
      Condition.and(
        Condition.isPresent('$.decision'),
        Condition.or(
          Condition.stringEquals('$.decision', 'rollback'),
          Condition.stringEquals('$.decision', 'manual'),
        ),
      ),
      revertCommit,
    )
    .otherwise(waitForApproval);

  const notifyStart = task('notifyStart', 'notify-start', 'notifyStart');
  notifyStart.next(needsApproval);
  const chooseTarget = task('chooseTarget', 'choose-target', 'target');
  chooseTarget.next(notifyStart);
  const captureState = task('captureState', 'capture-state', 'capture');
  captureState.next(chooseTarget);

  const confirmTrigger = task('confirmTrigger', 'confirm-trigger', 'confirm');
  confirmTrigger.next(
    new Choice(scope, 'stillBreaching', { stateName: names.stillBreaching })
      .when(isTrue('$.confirm.stillBreaching'), captureState)
      .when(isFalse('$.confirm.stillBreaching'), dropped)
      .otherwise(escalate),
  );
  return confirmTrigger;
}
