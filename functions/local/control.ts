import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbControlStore, DynamoDbNotificationLog } from '../adapters/dynamodb-control-store.ts';
import type { Clock } from '../ports.ts';
import { LOCAL_TABLE_NAME, type LocalStore } from './local-store.ts';

/** Where `sentinel approve|reject` leaves an answer for a running demo that holds the local store. */
export const PENDING_APPROVALS_DIR = 'pending-approvals';

/** The kill switch and the notification log on the local store's table (same adapters as the cloud). */
export function localControl(local: LocalStore, clock: Clock) {
  const documents = DynamoDBDocumentClient.from(local.dynamo.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    control: new DynamoDbControlStore(documents, LOCAL_TABLE_NAME),
    notificationLog: new DynamoDbNotificationLog(documents, LOCAL_TABLE_NAME, clock),
  };
}
