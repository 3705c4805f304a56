import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification, Notifier, Topic } from '../ports.ts';

/**
 * `plain`: the body as the message. `chatbot`: a per-protocol message (`MessageStructure: json`)
 * — email keeps the plain body, HTTPS subscribers (AWS Chatbot's Slack delivery, and the pager)
 * get AWS Chatbot's custom-notification JSON, since Chatbot drops plain-text messages.
 */
export type NotificationFormat = 'plain' | 'chatbot';

/** Publishes to the `alerts` and `pages` topics, with attributes for subscription filters. */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArns: Record<Topic, string>,
    private readonly format: NotificationFormat = 'plain',
  ) {}

  async publish(notification: Notification): Promise<void> {
    const attributes = Object.entries(notification.attributes).filter(([, value]) => value !== undefined);
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArns[notification.topic],
        Subject: notification.subject.slice(0, 100),
        ...(this.format === 'chatbot'
          ? { MessageStructure: 'json', Message: JSON.stringify(perProtocol(notification)) }
          : { Message: notification.body }),
        MessageAttributes: Object.fromEntries(
          attributes.map(([name, value]) => [name, { DataType: 'String', StringValue: String(value) }]),
        ),
      }),
    );
  }
}

/** https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html */
export function chatbotMessage(notification: Notification): object {
  return {
    version: '1.0',
    source: 'custom',
    id: notification.attributes.incidentId,
    content: {
      textType: 'client-markdown',
      title: notification.subject,
      description: notification.body,
    },
    metadata: {
      threadId: notification.attributes.incidentId,
      summary: notification.subject,
      additionalContext: { severity: notification.attributes.severity },
    },
  };
}

function perProtocol(notification: Notification): Record<string, string> {
  const chatbot = JSON.stringify(chatbotMessage(notification));
  return { default: notification.body, email: notification.body, https: chatbot };
}
