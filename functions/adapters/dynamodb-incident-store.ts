import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { approvalNonce } from '../core/approval/link.ts';
import { SentinelError } from '../core/errors.ts';
import { executionNameFor, type Incident } from '../core/incident/incident.ts';
import { encodeKey } from '../core/version.ts';
import type { IncidentStore, SaveGuard } from '../ports.ts';
import { queryAllItems } from './dynamodb-query.ts';

const INCIDENT_PK = 'INCIDENT';
const LOCK_PK = 'LOCK';

/** Another writer changed the incident since it was read. */
export class IncidentConflictError extends SentinelError {
  override readonly name = 'IncidentConflictError';
}

/**
 * Incidents in the same single table as the metrics: `INCIDENT/<id>` holds the record as JSON,
 * `LOCK/<service>|<version>` names the one open incident of a version. No transactions needed:
 * the lock is taken first, and a crash before the record is written is repaired by the next
 * caller, who finds the lock and writes the record under the lock's id.
 */
export class DynamoDbIncidentStore implements IncidentStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async openIncident(proposed: Incident): Promise<{ created: boolean; incident: Incident }> {
    const lockKey = { pk: LOCK_PK, sk: lockSortKey(proposed) };
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...lockKey, incidentId: proposed.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const lock = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: lockKey, ConsistentRead: true }),
      );
      const heldBy = String(lock.Item?.incidentId ?? proposed.id);
      const existing = await this.get(heldBy);
      if (existing) return { created: false, incident: existing };
      // The lock holder crashed before writing its record: write it now under the lock's id.
      const repaired = { ...proposed, id: heldBy, executionName: executionNameFor(heldBy) };
      return { created: await this.putIfAbsent(repaired), incident: (await this.get(heldBy)) ?? repaired };
    }
    await this.putIfAbsent(proposed);
    return { created: true, incident: (await this.get(proposed.id)) ?? proposed };
  }

  async get(id: string): Promise<Incident | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: INCIDENT_PK, sk: id }, ConsistentRead: true }),
    );
    return result.Item ? (JSON.parse(String(result.Item.record)) as Incident) : undefined;
  }

  async save(incident: Incident, expectedUpdatedAt?: string, guard?: SaveGuard): Promise<void> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(incident),
          ...saveCondition(expectedUpdatedAt, guard),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new IncidentConflictError(
          `incident ${incident.id} was changed by someone else; re-read and retry`,
        );
      }
      throw error;
    }
  }

  async list(limit = 50): Promise<Incident[]> {
    const items = await queryAllItems(
      this.documents,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': INCIDENT_PK },
        ScanIndexForward: false,
      },
      limit,
    );
    return items.slice(0, limit).map((item) => JSON.parse(String(item.record)) as Incident);
  }

  async releaseLock(incident: Incident): Promise<void> {
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: LOCK_PK, sk: lockSortKey(incident) },
          ConditionExpression: 'incidentId = :id',
          ExpressionAttributeValues: { ':id': incident.id },
        }),
      );
    } catch (error) {
      // A lock held by another incident is not ours to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private async putIfAbsent(incident: Incident): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(incident),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function lockSortKey(incident: Pick<Incident, 'service' | 'version'>): string {
  // One encoding for every key part, so no service or version string can alias another's lock.
  const { model, modelVersion, prompt } = incident.version;
  return encodeKey([incident.service, model, modelVersion, prompt]);
}

/**
 * The condition of a save. A guarded save (an approval answer) checks the approval state on the
 * item itself, in the same write that records the answer, so exactly one of any number of racing
 * answers lands: the request must still be the one the link names and nobody may have answered it.
 * Items written before the nonce attribute existed pass on updatedAt alone, which still serializes.
 */
function saveCondition(expectedUpdatedAt: string | undefined, guard: SaveGuard | undefined) {
  if (expectedUpdatedAt === undefined && guard === undefined) return {};
  const clauses: string[] = [];
  const values: Record<string, string> = {};
  if (expectedUpdatedAt !== undefined) {
    clauses.push('updatedAt = :expected');
    values[':expected'] = expectedUpdatedAt;
  }
  if (guard !== undefined) {
    clauses.push('(approvalNonce = :nonce OR attribute_not_exists(approvalNonce))');
    clauses.push('attribute_not_exists(approvalDecidedAt)');
    values[':nonce'] = guard.pendingApproval;
  }
  return { ConditionExpression: clauses.join(' AND '), ExpressionAttributeValues: values };
}

function toItem(incident: Incident): Record<string, unknown> {
  const approval = incident.approval;
  return {
    pk: INCIDENT_PK,
    sk: incident.id,
    status: incident.status,
    updatedAt: incident.updatedAt,
    // Copies of the approval state for saveCondition (the record itself is opaque JSON).
    ...(approval ? { approvalNonce: approval.nonce ?? approvalNonce(approval.taskToken) } : {}),
    ...(approval?.decidedAt ? { approvalDecidedAt: approval.decidedAt } : {}),
    record: JSON.stringify(incident),
  };
}
