import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ControlState, ControlStore, NotificationLog } from '../ports.ts';

const CONTROL_PK = 'CONTROL';
const KILL_SWITCH_SK = 'kill-switch';
const NOTIFIED_PK = 'NOTIFIED';

/** The kill switch as one item `CONTROL/kill-switch` of the single table. */
export class DynamoDbControlStore implements ControlStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(): Promise<ControlState> {
    const result = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: CONTROL_PK, sk: KILL_SWITCH_SK },
        ConsistentRead: true,
      }),
    );
    const item = result.Item;
    if (!item) return { paused: false };
    return {
      paused: item.paused === true,
      ...(typeof item.by === 'string' ? { by: item.by } : {}),
      ...(typeof item.at === 'string' ? { at: item.at } : {}),
      ...(typeof item.reason === 'string' ? { reason: item.reason } : {}),
    };
  }

  async set(state: ControlState): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: CONTROL_PK, sk: KILL_SWITCH_SK, ...state },
      }),
    );
  }
}

/**
 * Deduplicated notifications as items `NOTIFIED/<key>`: the claim is a conditional put that
 * succeeds once per key (or again once the earlier claim expired); DynamoDB TTL removes old ones.
 */
export class DynamoDbNotificationLog implements NotificationLog {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: { now(): Date },
  ) {}

  async claim(key: string, expiresAt: number): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: NOTIFIED_PK, sk: key, expiresAt: Math.ceil(expiresAt / 1000) },
          // TTL deletion lags by up to days: an expired claim counts as absent.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': Math.floor(this.clock.now().getTime() / 1000) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async release(key: string): Promise<void> {
    await this.documents.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: NOTIFIED_PK, sk: key } }),
    );
  }
}
