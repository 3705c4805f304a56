import { Duration, Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface NotificationsProps {
  /**
   * Address subscribed to the `alerts` topic (warnings, rollback started/finished).
   * @default - no email subscription
   */
  readonly alertEmail?: string;
  /**
   * HTTPS endpoint of the pager (PagerDuty, Opsgenie…) subscribed to the `pages` topic.
   * @default - no pager subscription
   */
  readonly pagerEndpoint?: string;
  /**
   * Publish every message also in AWS Chatbot's custom-notification format (a Slack channel
   * subscribes through Chatbot, lib/slack.ts): Chatbot drops plain-text SNS messages. The
   * publishing Lambdas get `NOTIFICATION_FORMAT=chatbot` (see `publisherEnvironment`).
   * @default false
   */
  readonly chatbotFormat?: boolean;
}

/** The env var that switches SnsNotifier to Chatbot-readable messages (functions/commons/notifier.ts). */
export const NOTIFICATION_FORMAT_ENV = 'NOTIFICATION_FORMAT';

/**
 * The two SNS topics of ARCHITECTURE.md §6 — `alerts` (email) and `pages` (pager) — encrypted
 * with one customer-managed KMS key. CloudWatch (alarm actions) and EventBridge (rule targets)
 * publish to the topics as services, so the key policy lets those two services use the key, and
 * each topic's policy lets them publish: `addAlarmAction` allows CloudWatch for exactly the alarms
 * that use a topic, the EventBridge rule targets (SnsTopic) add their own statement.
 */
export class Notifications extends Construct {
  readonly key: Key;
  readonly alerts: Topic;
  readonly pages: Topic;
  private readonly chatbotFormat: boolean;

  constructor(scope: Construct, id: string, props: NotificationsProps = {}) {
    super(scope, id);
    this.chatbotFormat = props.chatbotFormat === true;
    if (props.alertEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alertEmail)) {
      throw new Error(`alertEmail: "${props.alertEmail}" is not an email address`);
    }
    if (props.pagerEndpoint !== undefined && !props.pagerEndpoint.startsWith('https://')) {
      throw new Error(`pagerEndpoint: "${props.pagerEndpoint}" must be an https:// URL`);
    }

    this.key = new Key(this, 'Key', {
      description: 'Encrypts the Rollback Sentinel alerts and pages topics',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
    });
    // SNS asks KMS for a data key on behalf of the publishing service; without these two
    // statements alarm actions and EventBridge targets would be silently dropped.
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      this.key.addToResourcePolicy(
        new PolicyStatement({
          sid: `Allow${service.split('.')[0]}ToPublishToEncryptedTopics`,
          principals: [new ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          // `*` in a key policy means this key. No source-account condition: SNS calls KMS on
          // the service's behalf and the condition is not documented to reach that call; who may
          // publish at all is decided by the topics' policies.
          resources: ['*'],
        }),
      );
    }

    this.alerts = new Topic(this, 'Alerts', {
      displayName: 'Rollback Sentinel alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.pages = new Topic(this, 'Pages', {
      displayName: 'Rollback Sentinel pages',
      masterKey: this.key,
      enforceSSL: true,
    });

    if (props.alertEmail) this.alerts.addSubscription(new EmailSubscription(props.alertEmail));
    if (props.pagerEndpoint) this.pages.addSubscription(new UrlSubscription(props.pagerEndpoint));
  }

  /**
   * Makes `topic` (alerts or pages) the action of `alarm`, and lets CloudWatch publish to it for this
   * alarm only. The topic has an explicit policy (enforceSSL, the EventBridge statement), which
   * replaces SNS's default one, so without this statement the alarm's notification is refused.
   * Scoped against the confused deputy: the alarm's ARN (`aws:SourceArn`) in this account
   * (`aws:SourceAccount`). The key policy already lets CloudWatch use the key for both topics.
   */
  addAlarmAction(alarm: Alarm, topic: Topic): void {
    if (topic !== this.alerts && topic !== this.pages) {
      throw new Error(`addAlarmAction: ${topic.node.path} is not the alerts or pages topic`);
    }
    alarm.addAlarmAction(new SnsAction(topic));
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: `AllowCloudWatchAlarm${alarm.node.id}`,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: { 'aws:SourceArn': alarm.alarmArn },
        },
      }),
    );
  }

  /**
   * What a publishing Lambda needs in its environment: both topic ARNs and, when a Slack channel
   * reads the topics through Chatbot, the message format switch.
   */
  publisherEnvironment(): Record<string, string> {
    return {
      ALERTS_TOPIC_ARN: this.alerts.topicArn,
      PAGES_TOPIC_ARN: this.pages.topicArn,
      ...(this.chatbotFormat ? { [NOTIFICATION_FORMAT_ENV]: 'chatbot' } : {}),
    };
  }

  /**
   * Lets `grantee` publish to both topics. `Topic.grantPublish` would also grant
   * `kms:GenerateDataKey*`; publishing to an encrypted topic needs exactly `kms:GenerateDataKey`
   * and `kms:Decrypt` on this key, so that is all we grant.
   */
  grantPublish(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sns:Publish'],
        resources: [this.alerts.topicArn, this.pages.topicArn],
      }),
    );
    this.key.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
  }
}
