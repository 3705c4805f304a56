import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Role } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { parseDuration } from '../functions/core/duration.ts';
import { parsePolicy } from '../functions/core/policy.ts';
import { Approvals } from './approvals.ts';
import { Dashboard } from './dashboard.ts';
import { Dispatcher } from './dispatcher.ts';
import { Ingestion } from './ingestion.ts';
import { MetricsStoreTable } from './metrics-store-table.ts';
import { Notifications } from './notifications.ts';
import { RollbackWorkflow, type RollbackWorkflowProps } from './rollback-workflow.ts';
import { Slack } from './slack.ts';
import { Triggers } from './triggers.ts';

/** The stack output naming the rollback state machine's ARN. */
export const STATE_MACHINE_OUTPUT = 'StateMachineArn';

export const DEFAULT_GITHUB_TOKEN_SECRET_NAME = 'rollback-sentinel/github-token';

export interface RollbackSentinelStackProps extends StackProps {
  /**
   * Email address subscribed to the `alerts` topic.
   * @default - no email subscription
   */
  readonly alertEmail?: string;
  /**
   * HTTPS pager endpoint subscribed to the `pages` topic.
   * @default - no pager subscription
   */
  readonly pagerEndpoint?: string;
  /**
   * Slack workspace id authorized in the AWS Chatbot console: with `slackChannelId`, both topics
   * are delivered to that channel through AWS Chatbot (lib/slack.ts). Give both or neither.
   * @default - no Slack delivery
   */
  readonly slackWorkspaceId?: string;
  /**
   * Slack channel id for the AWS Chatbot delivery; requires `slackWorkspaceId`.
   * @default - no Slack delivery
   */
  readonly slackChannelId?: string;
  /**
   * Name of the Secrets Manager secret holding the GitHub token (created outside the stack).
   * @default DEFAULT_GITHUB_TOKEN_SECRET_NAME ('rollback-sentinel/github-token')
   */
  readonly githubTokenSecretName?: string;
  /**
   * The application repository, `owner/name`, that the repository steps work on: ChooseTarget reads
   * its stable tags and version file, RevertCommit commits the rollback, CheckDeploy reads the
   * commit's checks (each as GITHUB_REPOSITORY). Required: without it (and without `notifyOnly`)
   * the stack refuses to build, with a message naming the context key (`-c repository=owner/name`).
   * @default - none: required unless `notifyOnly` is true
   */
  readonly repository?: string;
  /**
   * Deploy without an application repository: Sentinel detects, records and notifies, but never
   * writes to a repository. The repository steps get `REPOSITORY_WRITES=disabled` and neither a
   * repository nor the GitHub token, so an incident that would need a revert escalates (pages)
   * instead. The stack says so in a `NotifyOnly` output and a synth warning. Contradicts
   * `repository`: give one or the other.
   * @default false
   */
  readonly notifyOnly?: boolean;
  /**
   * IAM role of the classifier service that sends events: it may call the ingest Function URL
   * (`Ingestion.grantInvokeUrl`: `lambda:InvokeFunctionUrl` for AWS_IAM auth and
   * `lambda:InvokeFunction` through the URL). Granted in the ingest function's resource policy,
   * so the stack never edits a role it does not own; a role in another account also needs both
   * actions in its own policy.
   * @default - nobody: grant callers with `ingestion.grantInvokeUrl` or an IAM policy
   */
  readonly classifierRoleArn?: string;
  /**
   * GitHub API base URL, for GitHub Enterprise.
   * @default - https://api.github.com
   */
  readonly githubApiUrl?: string;
  /**
   * Policy document (same shape as the policy file); thresholds of the alarms and dashboard come
   * from it and every Lambda receives it as POLICY_JSON.
   * @default - the runbook's defaults
   */
  readonly policy?: unknown;
  /**
   * How often the evaluator runs.
   * @default Duration.minutes(1)
   */
  readonly evaluationInterval?: Duration;
  /**
   * Workflow knobs (waits, timeouts, state names). The approval timeout and the verification
   * retry wait come from the policy (`workflow.approvalTimeout`,
   * `verification.inconclusive.retryAfter`), the same values the step Lambdas read; a value given
   * here wins over the policy's (for tests and demos with shortened waits; in a deployment, change
   * the policy instead, so the definition and the Lambdas agree).
   * @default - the RollbackWorkflow defaults; approval timeout and verification retry wait from the policy
   */
  readonly workflow?: Pick<
    RollbackWorkflowProps,
    'approvalTimeout' | 'deployPollInterval' | 'verifyRetryWait' | 'executionTimeout' | 'stateNames'
  >;
  /**
   * Reserved concurrency of the approval endpoint's Lambda (e.g. 5), capping what a flood of
   * forged links can take from the account's pool. Opt-in: accounts with a small concurrency
   * quota cannot reserve any, and the deploy would fail.
   * @default - no reserved concurrency
   */
  readonly approvalReservedConcurrency?: number;
  /**
   * Retention of every log group of the stack.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/** Rollback Sentinel in the cloud: one construct per concern, composed here and nowhere else. */
export class RollbackSentinelStack extends Stack {
  readonly store: MetricsStoreTable;
  readonly notifications: Notifications;
  readonly workflow: RollbackWorkflow;
  readonly approvals: Approvals;
  readonly dispatcher: Dispatcher;
  readonly ingestion: Ingestion;
  readonly triggers: Triggers;
  readonly dashboard: Dashboard;
  /** AWS Chatbot's Slack delivery of both topics, when configured. */
  readonly slack: Slack | undefined;

  constructor(scope: Construct, id: string, props: RollbackSentinelStackProps = {}) {
    super(scope, id, {
      description: 'Rollback Sentinel: automatic, auditable rollback of LLM model and prompt versions',
      ...props,
    });
    const notifyOnly = checkRepository(props);
    const slackIds = checkSlack(props);
    const policy = parsePolicy(props.policy ?? {}, 'policy (context)');
    const environment: Record<string, string> =
      props.policy === undefined ? {} : { POLICY_JSON: JSON.stringify(props.policy) };
    const logRetention = props.logRetention;

    this.store = new MetricsStoreTable(this, 'MetricsStore');
    const table = this.store.table;
    this.notifications = new Notifications(this, 'Notifications', {
      alertEmail: props.alertEmail,
      pagerEndpoint: props.pagerEndpoint,
      chatbotFormat: slackIds !== undefined,
    });
    this.slack =
      slackIds === undefined
        ? undefined
        : new Slack(this, 'Slack', {
            ...slackIds,
            topics: [this.notifications.alerts, this.notifications.pages],
          });
    const githubToken = Secret.fromSecretNameV2(
      this,
      'GitHubToken',
      props.githubTokenSecretName ?? DEFAULT_GITHUB_TOKEN_SECRET_NAME,
    );

    this.approvals = new Approvals(this, 'Approvals', {
      table,
      environment,
      logRetention,
      reservedConcurrency: props.approvalReservedConcurrency,
    });
    this.workflow = new RollbackWorkflow(this, 'Workflow', {
      approvalLinks: { url: this.approvals.url.url, signingKey: this.approvals.signingKey },
      table,
      notifications: this.notifications,
      githubToken,
      repository: notifyOnly ? undefined : props.repository,
      githubApiUrl: props.githubApiUrl,
      environment,
      logRetention,
      ...props.workflow,
      // `??`, not spread order: a knob passed as undefined still falls back to the policy.
      approvalTimeout:
        props.workflow?.approvalTimeout ?? Duration.millis(parseDuration(policy.workflow.approvalTimeout)),
      verifyRetryWait:
        props.workflow?.verifyRetryWait ??
        Duration.millis(parseDuration(policy.verification.inconclusive.retryAfter)),
    });
    // `sentinel rollback --stack NAME` finds the state machine through this output.
    new CfnOutput(this, STATE_MACHINE_OUTPUT, {
      description: 'The rollback state machine (sentinel rollback --stack starts it for a manual rollback)',
      value: this.workflow.stateMachine.stateMachineArn,
    });
    if (notifyOnly) {
      Annotations.of(this).addWarning(
        'Rollback Sentinel is notify-only (notifyOnly): it detects, records and notifies, but never writes ' +
          'to an application repository; an incident that needs a revert escalates (pages) instead. ' +
          'Deploy with -c repository=owner/name to enable rollbacks.',
      );
      new CfnOutput(this, 'NotifyOnly', {
        description: 'Rollback Sentinel runs without an application repository',
        value:
          'NOTIFY-ONLY: Rollback Sentinel detects and notifies but never writes to an application repository; ' +
          'incidents that need a revert escalate. Redeploy with -c repository=owner/name to enable rollbacks.',
      });
    }
    this.approvals.allowCallbacks(this.workflow.stateMachine);
    this.dispatcher = new Dispatcher(this, 'Dispatcher', {
      table,
      stateMachine: this.workflow.stateMachine,
      notifications: this.notifications,
      environment,
      logRetention,
    });
    this.ingestion = new Ingestion(this, 'Ingestion', {
      table,
      dispatcher: this.dispatcher.function,
      environment,
      logRetention,
    });
    if (props.classifierRoleArn !== undefined) {
      if (!/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(props.classifierRoleArn)) {
        throw new Error(
          `classifierRoleArn: "${props.classifierRoleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
        );
      }
      // Immutable: the grant goes to the function's resource policy, never onto the classifier's role.
      const classifierRole = Role.fromRoleArn(this, 'ClassifierRole', props.classifierRoleArn, {
        mutable: false,
      });
      this.ingestion.grantInvokeUrl(classifierRole);
    }
    this.triggers = new Triggers(this, 'Triggers', {
      table,
      notifications: this.notifications,
      stateMachine: this.workflow.stateMachine,
      dispatcher: this.dispatcher.function,
      evaluationInterval: props.evaluationInterval,
      environment,
      logRetention,
      thresholds: {
        otpInCriticalAbove: policy.triggers.otp_in_critical.breachAbove,
        latency: {
          aboveMs: policy.triggers.latency_p95.thresholdMs,
          rollingWindow: Duration.millis(parseDuration(policy.triggers.latency_p95.rollingWindow)),
          minSamplesPerWindow: policy.triggers.latency_p95.minSamplesPerWindow,
          warningAboveMinutes: policy.triggers.latency_p95.warningAboveMinutes,
        },
      },
    });
    this.dashboard = new Dashboard(this, 'Dashboard', {
      policy,
      alarms: [this.triggers.otpInCriticalAlarm, this.triggers.latencyAlarm],
      latencyShare: this.triggers.latencyAlarm.metric,
      stateMachine: this.workflow.stateMachine,
    });
  }
}

/** Slack needs both ids; one alone is a typo or a forgotten flag, never "no Slack". */
function checkSlack(
  props: RollbackSentinelStackProps,
): { workspaceId: string; channelId: string } | undefined {
  const { slackWorkspaceId: workspaceId, slackChannelId: channelId } = props;
  if (workspaceId === undefined && channelId === undefined) return undefined;
  if (workspaceId === undefined || channelId === undefined) {
    const [given, missing] =
      workspaceId === undefined
        ? ['slackChannelId', 'slackWorkspaceId']
        : ['slackWorkspaceId', 'slackChannelId'];
    throw new Error(
      `${missing}: Slack notifications need both -c slackWorkspaceId=… and -c slackChannelId=…, but only ${given} ` +
        'was given; pass both (the workspace id from the AWS Chatbot console, the channel id from the channel link) or neither',
    );
  }
  return { workspaceId, channelId };
}

/**
 * `repository` is required unless the stack is explicitly notify-only; returns whether it is.
 * Without this check the repository steps would only fail at run time, mid-incident.
 */
function checkRepository(props: RollbackSentinelStackProps): boolean {
  const notifyOnly = props.notifyOnly === true;
  if (notifyOnly) {
    if (props.repository !== undefined) {
      throw new Error(
        `notifyOnly: a notify-only stack writes to no repository, but repository "${props.repository}" ` +
          'was given too; pass either -c repository=owner/name or -c notifyOnly=true',
      );
    }
    return true;
  }
  if (props.repository === undefined) {
    throw new Error(
      'repository: the context `repository` is required: the application repository (owner/name) that ' +
        'ChooseTarget, RevertCommit and CheckDeploy work on, e.g. `npx cdk deploy -c repository=owner/name`. ' +
        'To deploy a stack that only detects and notifies, and never writes to a repository, pass ' +
        '`-c notifyOnly=true` instead.',
    );
  }
  if (!/^[\w.-]+\/[\w.-]+$/.test(props.repository)) {
    throw new Error(`repository: "${props.repository}" must be owner/name, e.g. -c repository=acme/shopq`);
  }
  return false;
}
