import { Stack, Validations } from 'aws-cdk-lib';
import { LoggingLevel, SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface SlackProps {
  /**
   * The Slack workspace (team) id that was authorized once in the AWS Chatbot console
   * (`-c slackWorkspaceId=T0123ABCD`).
   */
  readonly workspaceId: string;
  /** The channel id (the last part of the channel's link, e.g. `C0123ABCDE`; `-c slackChannelId=…`). */
  readonly channelId: string;
  /** The topics delivered to the channel (the stack passes `alerts` and `pages`). */
  readonly topics: readonly ITopic[];
  /**
   * What Chatbot writes to CloudWatch Logs about its deliveries (log group
   * `/aws/chatbot/<configuration name>` in us-east-1).
   * @default LoggingLevel.ERROR - failed deliveries only: enough to see why a message never arrived
   */
  readonly loggingLevel?: LoggingLevel;
}

/**
 * The CloudWatch reads AWS Chatbot makes to render a CloudWatch alarm notification (the metric
 * chart), i.e. the Chatbot console's "Notification permissions" template spelt out action by
 * action instead of `cloudwatch:Describe*`/`Get*`/`List*`. None of them supports resource-level
 * permissions, hence `*`. Nothing else: no command in the channel can change or read anything else.
 */
const NOTIFICATION_READS = [
  'cloudwatch:DescribeAlarms',
  'cloudwatch:DescribeAlarmHistory',
  'cloudwatch:GetMetricData',
  'cloudwatch:GetMetricStatistics',
  'cloudwatch:GetMetricWidgetImage',
  'cloudwatch:ListMetrics',
];

const IAM5_REASON =
  'AWS Chatbot notification permissions: the CloudWatch reads that render an alarm chart ' +
  '(DescribeAlarms, GetMetricData, GetMetricWidgetImage…) support no resource-level permissions ' +
  '(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html), so the ' +
  'statement must name `*`; it grants reads of CloudWatch metrics and alarms only.';

/**
 * The runbook's "notify team — alert on Slack": AWS Chatbot delivers both topics to one Slack
 * channel. Notifications only: the channel role and the guardrail allow the CloudWatch reads that
 * render alarm charts and nothing else, so nobody can run a command from the channel that changes
 * (or reads) anything in the account.
 *
 * Encryption: the topics keep their customer-managed KMS key and the key policy needs no Chatbot
 * statement. SNS decrypts a message itself before it delivers it to an HTTPS endpoint, which is
 * how Chatbot subscribes; only the publishers need the key (the Lambdas through
 * `Notifications.grantPublish`, CloudWatch and EventBridge through the key policy's two service
 * statements) — without those, alarm notifications are dropped before any subscriber sees them.
 */
export class Slack extends Construct {
  readonly configuration: SlackChannelConfiguration;
  readonly role: Role;
  readonly guardrail: ManagedPolicy;

  constructor(scope: Construct, id: string, props: SlackProps) {
    super(scope, id);
    if (!/^[0-9A-Z]{1,255}$/.test(props.workspaceId)) {
      throw new Error(
        `slackWorkspaceId: "${props.workspaceId}" is not a Slack workspace id (upper-case letters and digits, e.g. T0123ABCD)`,
      );
    }
    if (!/^[A-Za-z0-9]{1,255}$/.test(props.channelId)) {
      throw new Error(
        `slackChannelId: "${props.channelId}" is not a Slack channel id (letters and digits, e.g. C0123ABCDE)`,
      );
    }
    if (props.topics.length === 0) throw new Error('Slack: at least one topic to deliver');

    const reads = new PolicyStatement({ actions: NOTIFICATION_READS, resources: ['*'] });
    this.role = new Role(this, 'ChannelRole', {
      assumedBy: new ServicePrincipal('chatbot.amazonaws.com'),
      description: 'AWS Chatbot channel role of the Rollback Sentinel Slack channel: notifications only',
    });
    this.role.addToPrincipalPolicy(reads);
    // The guardrail caps what anyone in the channel can do, whatever role they bring (default:
    // AdministratorAccess!). It has to be a managed policy — Chatbot takes no inline guardrail —
    // and it is this customer-managed one with exactly the notification reads, not the AWS managed
    // ReadOnlyAccess: that one would let channel members read the incident table's items, S3
    // objects and most of the account.
    this.guardrail = new ManagedPolicy(this, 'Guardrail', {
      description:
        'Channel guardrail of the Rollback Sentinel Slack channel: CloudWatch notification reads only',
      statements: [reads],
    });
    this.configuration = new SlackChannelConfiguration(this, 'Channel', {
      slackChannelConfigurationName: `${Stack.of(this).stackName}-slack`.slice(0, 128),
      slackWorkspaceId: props.workspaceId,
      slackChannelId: props.channelId,
      role: this.role,
      guardrailPolicies: [this.guardrail],
      notificationTopics: [...props.topics],
      loggingLevel: props.loggingLevel ?? LoggingLevel.ERROR,
      userRoleRequired: false,
    });
    // No `logRetention`: CDK implements it with a custom-resource Lambda under the AWS managed
    // AWSLambdaBasicExecutionRole, and Chatbot's log group lives in us-east-1 whatever the stack's region.

    for (const construct of [this.role, this.guardrail]) {
      Validations.of(construct).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: IAM5_REASON });
    }
  }
}
