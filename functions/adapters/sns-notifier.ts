import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification, Notifier, Topic } from '../ports.ts';

/** Publishes to the `alerts` and `pages` topics, with attributes for subscription filters. */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArns: Record<Topic, string>,
  ) {}

  async publish(notification: Notification): Promise<void> {
    const attributes = Object.entries(notification.attributes).filter(([, value]) => value !== undefined);
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArns[notification.topic],
        Subject: notification.subject.slice(0, 100),
        Message: notification.body,
        MessageAttributes: Object.fromEntries(
          attributes.map(([name, value]) => [name, { DataType: 'String', StringValue: String(value) }]),
        ),
      }),
    );
  }
}
