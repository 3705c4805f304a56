import {
  AuthorizationErrorException,
  KMSAccessDeniedException,
  NotFoundException,
  PublishCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnsNotifier } from '../../functions/adapters/sns-notifier.ts';
import { type AwsGateway, startAwsGateway } from '../../functions/local/aws/gateway.ts';
import type { Statement } from '../../functions/local/aws/iam.ts';
import type { PublishedMessage } from '../../functions/local/aws/sns.ts';
import { ACCOUNT, assumedRole, principal, REGION, rejection, sdkConfig } from '../support/aws-gateway.ts';

const ALERTS = `arn:aws:sns:${REGION}:${ACCOUNT}:alerts`;
const PAGES = `arn:aws:sns:${REGION}:${ACCOUNT}:pages`;
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const sslOnly = (topic: string): Statement => ({
  Sid: 'AllowPublishThroughSSLOnly',
  Effect: 'Deny',
  Principal: '*',
  Action: 'sns:Publish',
  Resource: topic,
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});
const publishBoth: Statement = { Effect: 'Allow', Action: 'sns:Publish', Resource: [ALERTS, PAGES] };
const useKey: Statement = { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: KEY };
const notifier = principal('notify-fn', [publishBoth, useKey]);
const keyless = principal('keyless-fn', [publishBoth]);
const silent = principal('silent-fn', []);

let gateway: AwsGateway;
const published: PublishedMessage[] = [];
const client = (who: typeof notifier) => new SNSClient(sdkConfig(gateway.endpoint, who));

beforeAll(async () => {
  gateway = await startAwsGateway({
    region: REGION,
    account: ACCOUNT,
    principals: [notifier, keyless, silent],
    topics: [
      { arn: ALERTS, policy: [sslOnly(ALERTS)] },
      { arn: PAGES, policy: [sslOnly(PAGES)], kmsKeyArn: KEY },
    ],
    keys: [
      {
        arn: KEY,
        policy: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
        ],
      },
    ],
    onPublish: (message) => published.push(message),
  });
});

afterAll(() => gateway.close());

describe('AWS gateway: SNS Publish', () => {
  it('delivers an allowed publish with subject and attributes and answers its MessageId', async () => {
    const { MessageId } = await client(notifier).send(
      new PublishCommand({
        TopicArn: ALERTS,
        Subject: 'Rollback started',
        Message: 'body & more',
        MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } },
      }),
    );
    expect(published.at(-1)).toEqual({
      messageId: MessageId,
      topicArn: ALERTS,
      subject: 'Rollback started',
      message: 'body & more',
      attributes: { severity: { dataType: 'String', stringValue: 'high' } },
      publisher: 'notify-fn',
    });
  });

  it('refuses a function without sns:Publish with AuthorizationErrorException (403)', async () => {
    const count = published.length;
    const error = await rejection(
      client(silent).send(new PublishCommand({ TopicArn: ALERTS, Message: 'x' })),
    );
    expect(error).toBeInstanceOf(AuthorizationErrorException);
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toBe(
      `User: ${assumedRole('silent-fn')} is not authorized to perform: sns:Publish on resource: ${ALERTS} because no identity-based policy allows the sns:Publish action`,
    );
    expect(published.length).toBe(count);
  });

  it('needs kms:GenerateDataKey on the key of an encrypted topic', async () => {
    const error = await rejection(
      client(keyless).send(new PublishCommand({ TopicArn: PAGES, Message: 'x' })),
    );
    expect(error).toBeInstanceOf(KMSAccessDeniedException);
    expect(error.message).toContain(
      `keyless-fn is not authorized to perform: kms:GenerateDataKey on resource: ${KEY}`,
    );
    await client(notifier).send(new PublishCommand({ TopicArn: PAGES, Message: 'page' }));
    expect(published.at(-1)).toMatchObject({ topicArn: PAGES, message: 'page' });
  });

  it('answers NotFound for a topic that does not exist', async () => {
    const missing = `arn:aws:sns:${REGION}:${ACCOUNT}:nope`;
    const allowed = principal('any-topic-fn', [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }]);
    const local = await startAwsGateway({ region: REGION, account: ACCOUNT, principals: [allowed] });
    const sns = new SNSClient(sdkConfig(local.endpoint, allowed));
    const error = await rejection(sns.send(new PublishCommand({ TopicArn: missing, Message: 'x' })));
    sns.destroy();
    await local.close();
    expect(error).toBeInstanceOf(NotFoundException);
  });

  it('works with the real SnsNotifier adapter', async () => {
    const sns = client(notifier);
    await new SnsNotifier(sns, { alerts: ALERTS, pages: PAGES }).publish({
      topic: 'pages',
      subject: 'Rollback needed',
      body: 'OTP in critical',
      attributes: { severity: 'P0', incidentId: 'inc-1', triggerIds: undefined },
    });
    expect(published.at(-1)).toMatchObject({
      topicArn: PAGES,
      subject: 'Rollback needed',
      message: 'OTP in critical',
      attributes: {
        severity: { dataType: 'String', stringValue: 'P0' },
        incidentId: { dataType: 'String', stringValue: 'inc-1' },
      },
      publisher: 'notify-fn',
    });
  });
});
