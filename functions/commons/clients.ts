import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** SDK clients, created once per Lambda container at module scope and shared by every handler. */
export const dynamoDbClient = new DynamoDBClient({});
export const documentClient = DynamoDBDocumentClient.from(dynamoDbClient, {
  marshallOptions: { removeUndefinedValues: true },
});
export const sfnClient = new SFNClient({});
export const snsClient = new SNSClient({});
export const cloudWatchClient = new CloudWatchClient({});
