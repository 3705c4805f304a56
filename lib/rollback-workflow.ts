import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Notifications } from './notifications.ts';
import { handlerEntry } from './paths.ts';
import { SentinelFunction } from './sentinel-function.ts';
import { grantTableAccess } from './table-access.ts';
import {
  buildRollbackDefinition,
  ESCALATED_ERROR,
  type StateNames,
  WORKFLOW_STEPS,
  type WorkflowStep,
} from './workflow/definition.ts';

/** Steps that read the application repository (CheckDeploy: the rollback commit's checks). */
const REPOSITORY_STEPS = [
  'choose-target',
  'revert-commit',
  'check-deploy',
] as const satisfies readonly WorkflowStep[];
/**
 * What a notify-only stack sets on the repository steps instead of GITHUB_REPOSITORY: the step must
 * not try to reach a repository and fails with a named error (the workflow escalates and pages).
 */
export const REPOSITORY_WRITES_DISABLED_ENV = { REPOSITORY_WRITES: 'disabled' } as const;

/** Steps that tell people something: they get the topic ARNs and may publish to both topics. */
const NOTIFYING_STEPS: ReadonlySet<WorkflowStep> = new Set([
  'notify-start',
  'request-approval',
  'complete',
  'escalate',
]);

/** Lambda timeouts that differ from the 30 s default. */
const STEP_LAMBDA_TIMEOUTS: Partial<Record<WorkflowStep, Duration>> = {
  // Git Data API round trips, a compare-and-swap retry and rate-limit back-off.
  'revert-commit': Duration.minutes(2),
  verify: Duration.minutes(1),
};

/** Head room between a Lambda's own timeout and its task's TimeoutSeconds. */
const TASK_TIMEOUT_MARGIN = Duration.seconds(30);

export interface RollbackWorkflowProps {
  /**
   * The table of incidents, locks, versions and metrics: every step records its transition. Each
   * step may send exactly its TABLE_ACCESS actions (lib/table-access.ts).
   */
  readonly table: ITable;
  /** Topics for notify-start, request-approval, complete and escalate. */
  readonly notifications: Notifications;
  /** The GitHub token; only revert-commit may read it. Its ARN (never its value) goes in env. */
  readonly githubToken: ISecret;
  /**
   * Application repository as `owner/name`: the repository steps get it as GITHUB_REPOSITORY, with
   * the GitHub token's ARN and a grant to read it. Left out, the workflow is notify-only: those
   * steps get `REPOSITORY_WRITES=disabled` and neither a repository nor the token
   * (RollbackSentinelStack leaves it out only when `notifyOnly` is set).
   * @default - none: notify-only
   */
  readonly repository?: string;
  /**
   * GitHub API base URL (GitHub Enterprise).
   * @default - not set: the revert step uses https://api.github.com
   */
  readonly githubApiUrl?: string;
  /**
   * Environment shared by every step Lambda (e.g. POLICY_JSON).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * How long a manual trigger waits for approval.
   * @default Duration.hours(24)
   */
  readonly approvalTimeout?: Duration;
  /**
   * Pause between two deploy checks.
   * @default Duration.seconds(30)
   */
  readonly deployPollInterval?: Duration;
  /**
   * Pause before an inconclusive verification stage is judged again (RollbackSentinelStack passes
   * the policy's `verification.inconclusive.retryAfter`).
   * @default Duration.minutes(15) (the policy default)
   */
  readonly verifyRetryWait?: Duration;
  /**
   * Longest an execution may run (three stages of up to a day each, extensions, approval).
   * @default Duration.days(7)
   */
  readonly executionTimeout?: Duration;
  /**
   * Signed one-click approval links: the request-approval step signs them with this key and
   * puts them in the approval email.
   * @default - no links; the email names the CLI commands only
   */
  readonly approvalLinks?: { readonly url: string; readonly signingKey: ISecret };
  /**
   * Renamed states (the local runner follows the synthesized names).
   * @default DEFAULT_STATE_NAMES
   */
  readonly stateNames?: Partial<StateNames>;
  /**
   * Retention of the step Lambdas' and the state machine's logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The rollback state machine (Standard, logged, traced) and one Lambda per step, each with
 * only the permissions its step needs. A Step Functions execution that times out, is aborted, or
 * fails without reaching the Escalated state (Escalate itself failed) paged nobody, so an
 * EventBridge rule pages for those.
 */
export class RollbackWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  /** The Lambda of each step (the local runner maps state names to steps through these). */
  readonly functions: Record<WorkflowStep, SentinelFunction>;

  constructor(scope: Construct, id: string, props: RollbackWorkflowProps) {
    super(scope, id);
    const { pages } = props.notifications;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    const functions = {} as Record<WorkflowStep, SentinelFunction>;
    const taskTimeouts = {} as Record<WorkflowStep, Duration>;
    for (const step of WORKFLOW_STEPS) {
      const timeout = STEP_LAMBDA_TIMEOUTS[step] ?? Duration.seconds(30);
      const fn = new SentinelFunction(this, `${pascal(step)}Function`, {
        entry: handlerEntry(`workflow/${step}.ts`),
        description: `Rollback workflow step ${step}`,
        timeout,
        logRetention,
        environment: { TABLE_NAME: props.table.tableName, ...props.environment },
      });
      grantTableAccess(props.table, fn, step);
      if (NOTIFYING_STEPS.has(step)) {
        for (const [name, value] of Object.entries(props.notifications.publisherEnvironment()))
          fn.addEnvironment(name, value);
        props.notifications.grantPublish(fn);
      }
      functions[step] = fn;
      taskTimeouts[step] = timeout.plus(TASK_TIMEOUT_MARGIN);
    }

    // Only the steps that talk to the application repository may read the GitHub token:
    // ChooseTarget reads stable tags and plans a dry run, RevertCommit writes the commit,
    // CheckDeploy reads the commit's checks. Notify-only: no repository, no token, and told so.
    for (const step of REPOSITORY_STEPS) {
      const fn = functions[step];
      if (props.repository === undefined) {
        for (const [name, value] of Object.entries(REPOSITORY_WRITES_DISABLED_ENV))
          fn.addEnvironment(name, value);
        continue;
      }
      props.githubToken.grantRead(fn);
      fn.addEnvironment('GITHUB_TOKEN_SECRET_ARN', props.githubToken.secretArn);
      fn.addEnvironment('GITHUB_REPOSITORY', props.repository);
      if (props.githubApiUrl) fn.addEnvironment('GITHUB_API_URL', props.githubApiUrl);
    }

    const approvalLinks = props.approvalLinks;
    if (approvalLinks) {
      const fn = functions['request-approval'];
      approvalLinks.signingKey.grantRead(fn);
      fn.addEnvironment('APPROVAL_URL', approvalLinks.url);
      fn.addEnvironment('APPROVAL_SIGNING_SECRET_ARN', approvalLinks.signingKey.secretArn);
    }

    this.functions = functions;
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      comment:
        'Rollback Sentinel: confirm, capture, choose target, [approve], revert, deploy, verify ×3, complete | escalate',
      definitionBody: DefinitionBody.fromChainable(
        buildRollbackDefinition(this, {
          functions,
          taskTimeouts,
          approvalTimeout: props.approvalTimeout,
          deployPollInterval: props.deployPollInterval,
          verifyRetryWait: props.verifyRetryWait,
          stateNames: props.stateNames,
        }),
      ),
      timeout: props.executionTimeout ?? Duration.days(7),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'StateMachineLogs', { retention: logRetention }),
        level: LogLevel.ALL,
        includeExecutionData: true,
      },
    });

    // LambdaInvoke grants lambda:InvokeFunction on `<fn>` and `<fn>:*`: the second form names the
    // function's versions and aliases, nothing else. Found once per step function.
    for (const fn of Object.values(functions)) {
      const logicalId = Stack.of(this).getLogicalId(fn.node.defaultChild as CfnFunction);
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason:
          'Step Functions LambdaInvoke grants invoke on the function ARN and ARN:* (its qualified versions ' +
          'and aliases); the wildcard cannot reach any other function.',
      });
    }
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'State machine role: X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSampling*) and ' +
        'CloudWatch Logs vended delivery (logs:CreateLogDelivery, PutResourcePolicy, DescribeLogGroups…) ' +
        'support no resource-level permissions, see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html.',
    });

    // The safety net: an execution that ends without a completed escalation paged nobody. That is
    // a timeout or an abort (Escalate never ran), or FAILED with any error but the Escalated Fail
    // state's own (Escalate itself failed: its Lambda threw, or its retries ran out). A FAILED
    // execution that reached Escalated has paged already and is left alone.
    new Rule(this, 'EndedWithoutEscalation', {
      description:
        'Pages when a rollback execution times out, is aborted, or fails without reaching Escalated (Escalate never ran or failed)',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [this.stateMachine.stateMachineArn],
          $or: [
            { status: ['TIMED_OUT', 'ABORTED'] },
            // `anything-but` needs a value; a failure without an error name has a null one.
            { status: ['FAILED'], error: [{ 'anything-but': [ESCALATED_ERROR] }, null] },
          ],
        },
      },
      targets: [
        new SnsTopic(pages, {
          message: RuleTargetInput.fromText(
            `Rollback workflow execution ${EventField.fromPath('$.detail.name')} ended ${EventField.fromPath(
              '$.detail.status',
            )} without a completed escalation: it timed out, was aborted, or FAILED because Escalate never ran or ` +
              `failed itself (error ${EventField.fromPath('$.detail.error')}), so nobody may have been paged. ` +
              'The rollback may be half done; check the incident record and the execution history.',
          ),
        }),
      ],
    });
  }
}

function pascal(step: string): string {
  return step
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
