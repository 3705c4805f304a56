import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Baseline } from '../core/prevention/gate.ts';
import { type Version, versionKey } from '../core/version.ts';
import type { StableVia, VersionRecord, VersionStatus } from '../core/versions/registry.ts';
import type { VersionRegistry } from '../ports.ts';
import { SIGHTINGS_PK } from './dynamodb-metrics-store.ts';
import { queryAllItems } from './dynamodb-query.ts';

/*
 * The registry lives on the metrics store's sighting items (pk `V`, sk <versionKey>): ingest keeps
 * writing only `version`, `firstSeen`, `lastSeen` there (no extra write on the hot path); this
 * adapter adds `status`, `commit`, `stableVia`, `statusChangedAt`, `rolledBackBy` and the
 * re-appearance dedupe fields to the same item, and a passing gate's `baseline`. An item without
 * `status` is an `active` version.
 */
export class DynamoDbVersionRegistry implements VersionRegistry {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(): Promise<VersionRecord[]> {
    const items = await queryAllItems(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': SIGHTINGS_PK },
    });
    return items.map(recordFromItem).sort((a, b) => (b.lastSeen ?? -1) - (a.lastSeen ?? -1));
  }

  async get(version: Version): Promise<VersionRecord | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: key(version), ConsistentRead: true }),
    );
    return Item ? recordFromItem(Item) : undefined;
  }

  async markStable(
    version: Version,
    via: StableVia,
    at: Date,
    commit?: string,
    force = false,
  ): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':version': version,
      ':stable': 'stable',
      ':via': via,
      ':at': at.toISOString(),
      ':rolledBack': 'rolled_back',
      ':quarantined': 'quarantined',
    };
    // A known commit is kept: the first one recorded is the one that introduced the version.
    const commitClause = commit === undefined ? '' : ', #commit = if_not_exists(#commit, :commit)';
    if (commit !== undefined) values[':commit'] = commit;
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(version),
          UpdateExpression: `SET #version = :version, #status = :stable, #via = :via, #changed = :at${commitClause}`,
          // A tag never overrides Sentinel's own verdict; a tag-based note of an already stable version
          // keeps its first reason.
          ConditionExpression: force
            ? undefined
            : 'attribute_not_exists(#status) OR NOT (#status IN (:rolledBack, :quarantined, :stable))',
          ExpressionAttributeNames: {
            '#version': 'version',
            '#status': 'status',
            '#via': 'stableVia',
            '#changed': 'statusChangedAt',
            ...(commit === undefined ? {} : { '#commit': 'commit' }),
          },
          ExpressionAttributeValues: force ? withoutKeys(values, [':rolledBack', ':quarantined']) : values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async markRolledBack(version: Version, incidentId: string, at: Date): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(version),
        UpdateExpression:
          'SET #version = :version, #status = :status, #by = :by, #changed = :at, #atMs = :atMs REMOVE #via, #paged',
        ExpressionAttributeNames: {
          '#version': 'version',
          '#status': 'status',
          '#by': 'rolledBackBy',
          '#changed': 'statusChangedAt',
          '#atMs': 'rolledBackAtMs',
          '#via': 'stableVia',
          '#paged': 'reappearancePagedSeen',
        },
        ExpressionAttributeValues: {
          ':version': version,
          ':status': 'rolled_back' satisfies VersionStatus,
          ':by': incidentId,
          ':at': at.toISOString(),
          ':atMs': at.getTime(),
        },
      }),
    );
  }

  async claimReappearance(version: Version, lastSeen: number, gapMs: number, at: Date): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(version),
          UpdateExpression: 'SET #status = :quarantined, #paged = :seen, #changed = :at ADD #count :one',
          // Only a watched version, and only when this sighting is a new stretch of traffic: the
          // previous page covered sightings up to `#paged`, and traffic resumed after a gap.
          ConditionExpression:
            '#status IN (:rolledBack, :quarantined) AND #rolledBackAt < :seen ' +
            'AND (attribute_not_exists(#paged) OR #paged < :resumedAfter)',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#paged': 'reappearancePagedSeen',
            '#changed': 'statusChangedAt',
            '#rolledBackAt': 'rolledBackAtMs',
            '#count': 'reappearances',
          },
          ExpressionAttributeValues: {
            ':quarantined': 'quarantined' satisfies VersionStatus,
            ':rolledBack': 'rolled_back' satisfies VersionStatus,
            ':seen': lastSeen,
            ':resumedAfter': lastSeen - gapMs,
            ':at': at.toISOString(),
            ':one': 1,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) {
        await this.extendReappearance(version, lastSeen);
        return false;
      }
      throw error;
    }
  }

  async recordBaseline(version: Version, baseline: Baseline, at: Date): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(version),
        UpdateExpression: 'SET #version = :version, #baseline = :baseline, #baselineAt = :at',
        ExpressionAttributeNames: {
          '#version': 'version',
          '#baseline': 'baseline',
          '#baselineAt': 'baselineRecordedAt',
        },
        ExpressionAttributeValues: { ':version': version, ':baseline': baseline, ':at': at.toISOString() },
      }),
    );
  }

  async baseline(version: Version): Promise<Baseline | undefined> {
    return (await this.get(version))?.baseline;
  }

  /** The same re-appearance goes on: move the paged bound forward so it stays one episode. */
  private async extendReappearance(version: Version, lastSeen: number): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(version),
          UpdateExpression: 'SET #paged = :seen',
          ConditionExpression: 'attribute_exists(#paged) AND #paged < :seen',
          ExpressionAttributeNames: { '#paged': 'reappearancePagedSeen' },
          ExpressionAttributeValues: { ':seen': lastSeen },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

function key(version: Version): { pk: string; sk: string } {
  return { pk: SIGHTINGS_PK, sk: versionKey(version) };
}

function recordFromItem(item: Record<string, unknown>): VersionRecord {
  const record: VersionRecord = {
    version: item.version as Version,
    status: (item.status as VersionStatus | undefined) ?? 'active',
  };
  const firstSeen = (item.firstSeen ?? item.lastSeen) as number | undefined;
  const lastSeen = (item.lastSeen ?? item.firstSeen) as number | undefined;
  if (firstSeen !== undefined) record.firstSeen = firstSeen;
  if (lastSeen !== undefined) record.lastSeen = lastSeen;
  if (typeof item.commit === 'string') record.commit = item.commit;
  if (item.stableVia) record.stableVia = item.stableVia as StableVia;
  if (typeof item.statusChangedAt === 'string') record.statusChangedAt = item.statusChangedAt;
  if (typeof item.rolledBackBy === 'string') record.rolledBackBy = item.rolledBackBy;
  if (typeof item.reappearancePagedSeen === 'number')
    record.reappearancePagedSeen = item.reappearancePagedSeen;
  if (typeof item.reappearances === 'number') record.reappearances = item.reappearances;
  if (item.baseline && typeof item.baseline === 'object') record.baseline = item.baseline as Baseline;
  return record;
}

function withoutKeys(values: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([name]) => !keys.includes(name)));
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}
