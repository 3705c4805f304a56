import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsGateway, startAwsGateway } from '../../functions/local/aws/gateway.ts';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '../../functions/local/dynalite.ts';
import { ACCOUNT, assumedRole, principal, REGION, rejection, sdkConfig } from '../support/aws-gateway.ts';

const TABLE = 'sentinel-metrics';
const OTHER = 'other-table';
const tableArn = (t: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${t}`;
const writer = principal('ingest-fn', [
  {
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
    Resource: [tableArn(TABLE)],
  },
  { Effect: 'Allow', Action: 'dynamodb:ListTables', Resource: '*' },
]);
const reader = principal('reader-fn', [
  { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: tableArn(TABLE) },
]);

let dynamo: LocalDynamo;
let gateway: AwsGateway;
let asWriter: DynamoDBClient;
let asReader: DynamoDBClient;
const item = { pk: { S: 'series#1' }, sk: { S: 'minute#1' }, n: { N: '3' } };

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await ensureTable(dynamo.client, TABLE);
  await ensureTable(dynamo.client, OTHER);
  gateway = await startAwsGateway({
    region: REGION,
    account: ACCOUNT,
    principals: [writer, reader],
    dynamodb: { endpoint: dynamo.endpoint },
  });
  asWriter = new DynamoDBClient(sdkConfig(gateway.endpoint, writer));
  asReader = new DynamoDBClient(sdkConfig(gateway.endpoint, reader));
});

afterAll(async () => {
  asWriter.destroy();
  asReader.destroy();
  await gateway.close();
  await dynamo.stop();
});

describe('AWS gateway: DynamoDB through dynalite', () => {
  it('serves an allowed call from dynalite, unchanged', async () => {
    await asWriter.send(new PutItemCommand({ TableName: TABLE, Item: item }));
    const { Item } = await asReader.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: item.pk, sk: item.sk } }),
    );
    expect(Item).toEqual(item);
    expect((await asWriter.send(new ListTablesCommand({}))).TableNames).toEqual([OTHER, TABLE]);
  });

  it('refuses a call the role does not grant, with AWS error and message', async () => {
    const error = await rejection(asReader.send(new PutItemCommand({ TableName: TABLE, Item: item })));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      `User: ${assumedRole('reader-fn')} is not authorized to perform: dynamodb:PutItem on resource: ${tableArn(TABLE)} because no identity-based policy allows the dynamodb:PutItem action`,
    );
    expect(gateway.decisions().at(-1)).toMatchObject({
      principal: 'reader-fn',
      action: 'dynamodb:PutItem',
      resource: tableArn(TABLE),
      allowed: false,
    });
  });

  it('checks every table of a batch write', async () => {
    const put = { PutRequest: { Item: item } };
    await asWriter.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: [put] } }));
    const error = await rejection(
      asWriter.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: [put], [OTHER]: [put] } })),
    );
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(`dynamodb:BatchWriteItem on resource: ${tableArn(OTHER)}`);
    // Nothing of a refused batch reaches the table.
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: OTHER, Key: { pk: item.pk, sk: item.sk } }),
    );
    expect(Item).toBeUndefined();
  });

  it('authorizes an index query on the index ARN, which a table grant does not cover', async () => {
    const query = {
      TableName: TABLE,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': item.pk },
    };
    expect((await asWriter.send(new QueryCommand(query))).Count).toBe(1);
    const error = await rejection(asWriter.send(new QueryCommand({ ...query, IndexName: 'byVersion' })));
    expect(error.message).toContain(`dynamodb:Query on resource: ${tableArn(TABLE)}/index/byVersion`);
  });

  it('answers an unknown access key as AWS does', async () => {
    const stranger = new DynamoDBClient(sdkConfig(gateway.endpoint, 'AKIASTRANGER'));
    const error = await rejection(stranger.send(new ListTablesCommand({})));
    stranger.destroy();
    expect(error.name).toBe('UnrecognizedClientException');
  });
});
