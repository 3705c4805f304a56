import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../functions/local/aws/decisions.ts';
import { type AwsGateway, startAwsGateway } from '../../functions/local/aws/gateway.ts';
import { ACCOUNT, principal, REGION, rejection, sdkConfig } from '../support/aws-gateway.ts';

const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:alerts`;
const fn = principal('some-fn', []);
let gateway: AwsGateway;
const denied: DecisionRecord[] = [];

beforeAll(async () => {
  gateway = await startAwsGateway({
    region: REGION,
    account: ACCOUNT,
    principals: [fn],
    topics: [{ arn: TOPIC }],
    onDenied: (record) => denied.push(record),
  });
});

afterAll(() => gateway.close());

describe('AWS gateway: what it does not serve is never silent', () => {
  it('names a service it has no stand-in for', async () => {
    const lambda = new LambdaClient(sdkConfig(gateway.endpoint, fn));
    const error = await rejection(lambda.send(new InvokeCommand({ FunctionName: 'x' })));
    lambda.destroy();
    expect(error.name).toBe('UnknownOperationException');
    expect(error.message).toContain('lambda:');
  });

  it('names an SNS action it has no stand-in for', async () => {
    const sns = new SNSClient(sdkConfig(gateway.endpoint, fn));
    const error = await rejection(sns.send(new SubscribeCommand({ TopicArn: TOPIC, Protocol: 'email' })));
    sns.destroy();
    expect(error.name).toBe('UnknownOperationException');
    expect(error.message).toContain('sns:Subscribe');
  });

  it('answers a DynamoDB call without a configured dynalite clearly', async () => {
    const dynamo = new DynamoDBClient(sdkConfig(gateway.endpoint, fn));
    const error = await rejection(dynamo.send(new ListTablesCommand({})));
    dynamo.destroy();
    expect(error.name).toBe('UnknownOperationException');
  });

  it('answers an unknown access key on SNS with InvalidClientTokenId', async () => {
    const sns = new SNSClient(sdkConfig(gateway.endpoint, 'AKIANOBODY'));
    const error = await rejection(sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'x' })));
    sns.destroy();
    expect(error.name).toBe('InvalidClientTokenId');
    expect(error.$metadata?.httpStatusCode).toBe(403);
  });

  it('reports every denial to onDenied and keeps it in decisions()', async () => {
    const sns = new SNSClient(sdkConfig(gateway.endpoint, fn));
    await rejection(sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'x' })));
    sns.destroy();
    const expected = {
      principal: 'some-fn',
      action: 'sns:Publish',
      resource: TOPIC,
      allowed: false,
      reason: 'because no identity-based policy allows the sns:Publish action',
    };
    expect(denied.at(-1)).toEqual(expected);
    expect(gateway.decisions().at(-1)).toEqual(expected);
  });
});
