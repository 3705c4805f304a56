import type { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { SnsNotifier } from '../../functions/adapters/sns-notifier.ts';
import type { Notification } from '../../functions/ports.ts';

const topics = {
  alerts: 'arn:aws:sns:eu-west-1:111111111111:alerts',
  pages: 'arn:aws:sns:eu-west-1:111111111111:pages',
};
const message: Notification = {
  topic: 'pages',
  subject: '[P0] Rolling back shopq-classifier v2: otp_in_critical',
  body: 'Incident inc-1\nAutomatic rollback started.',
  attributes: { severity: 'P0', incidentId: 'inc-1', triggerIds: 'otp_in_critical' },
};

function recording(): { client: SNSClient; sent: PublishCommand['input'][] } {
  const sent: PublishCommand['input'][] = [];
  const client = {
    send: async (command: PublishCommand) => void sent.push(command.input),
  } as unknown as SNSClient;
  return { client, sent };
}

describe('SnsNotifier', () => {
  it('publishes the plain body by default', async () => {
    const { client, sent } = recording();
    await new SnsNotifier(client, topics).publish(message);
    expect(sent).toEqual([
      expect.objectContaining({ TopicArn: topics.pages, Message: message.body, Subject: message.subject }),
    ]);
    expect(sent[0]?.MessageStructure).toBeUndefined();
  });

  it('chatbot: email keeps the body, HTTPS (Chatbot) gets a custom notification with title and description', async () => {
    const { client, sent } = recording();
    await new SnsNotifier(client, topics, 'chatbot').publish(message);
    expect(sent[0]?.MessageStructure).toBe('json');
    const perProtocol = JSON.parse(sent[0]?.Message ?? '{}') as Record<string, string>;
    expect(perProtocol.default).toBe(message.body);
    expect(perProtocol.email).toBe(message.body);
    expect(JSON.parse(perProtocol.https ?? '{}')).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown', title: message.subject, description: message.body },
      metadata: { threadId: 'inc-1' },
    });
  });
});
