import {
  ConditionalCheckFailedException,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { BatchAggregate, VersionSighting } from '../core/aggregate.ts';
import {
  COUNTER_FIELDS,
  emptyBucket,
  hourlyRollups,
  type MinuteBucket,
  parseLatencyCutKey,
} from '../core/buckets.ts';
import { BatchIdConflictError } from '../core/errors.ts';
import type { GdsReportEvent } from '../core/events.ts';
import { type Version, versionKey } from '../core/version.ts';
import type { ApplyBatchResult, MetricsStore } from '../ports.ts';
import { queryAllItems } from './dynamodb-query.ts';

/*
 * Single-table layout (string keys `pk`, `sk`):
 *   bucket    pk B#<series>      sk <minute ISO>        counters + h<bin> + exact latency counts
 *                                                       gt<ms> / ge<ms> as top-level numbers,
 *                                                       `pending` (string set, see below), `expiresAt` (TTL)
 *   rollup    pk R#<series>      sk <hour ISO>          the same, summed over the hour's minutes
 *   batch     pk M#<batchId>     sk batch               `contentHash`, `active`, `complete`, `cleaned`,
 *                                                       `expiresAt` (TTL): one small item per batch
 *   report    pk G#<versionKey>  sk <ts ISO>#<id>       `report` (the event, kept whole)
 *   sighting  pk V               sk <versionKey>        `version`, `firstSeen`, `lastSeen`; the version
 *                                                       registry keeps its status on the same item
 *                                                       (DynamoDbVersionRegistry), so ingest writes
 *                                                       nothing extra and a tag-only version has no bounds
 *
 * Exactly once per bucket, without transactions and with bounded items:
 *   1. register: one conditional UpdateItem on the batch item stores the content hash (a different
 *      hash under the same id → BatchIdConflictError) and ADDs 1 to `active`; it returns `complete`.
 *   2. apply (skipped when `complete`): per bucket ONE conditional UpdateItem ADDs the counters and
 *      the batch's token to `pending`, only if the token is not there yet — counters and token
 *      commit together or not at all, so a retry re-applies exactly the buckets an earlier
 *      attempt did not reach (the old design's guarantee, unchanged).
 *   3. finish: ADD -1 to `active`, and SET `complete` when every write succeeded.
 *   4. cleanup: the attempt whose finish leaves `active` at 0 on a complete batch DELETEs the
 *      batch's tokens from its buckets, then marks the batch `cleaned`. No attempt is in flight
 *      then (each one registers before it reads `complete` and applies), and every later attempt
 *      reads `complete` and applies nothing, so a removed token can never be needed again.
 * `pending` therefore holds only the tokens of batches in flight (or of an attempt whose process
 * died before step 3, which stay until their bucket's TTL): it no longer grows with every batch
 * of the hour, as the old `batches` set did until the item passed DynamoDB's 400 KB.
 * The batch item outlives every possible retry: it expires a bucket TTL (plus a day) after the
 * batch, and by then ingest rejects the batch's events as older than the bucket TTL.
 * Reports are put-if-absent and sightings are min/max updates: both are naturally idempotent.
 */

/**
 * DynamoDB caps an expression at 4 KB (and 300 operators); dynalite does not check. A bucket
 * with more counters than this (a very wide latency spread) is written in parts, each part with
 * its own token `<batchId>#<part>`, which keeps every part individually idempotent.
 */
const MAX_ADDS_PER_UPDATE = 200;
const BIN_ATTRIBUTE = /^h(\d+)$/;
const BATCH_SK = 'batch';
const DAY_MS = 86_400_000;

export interface DynamoDbMetricsStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Buckets expire this long after their minute (policy.store.bucketTtl). */
  bucketTtlMs: number;
  /** Writes in flight at once. */
  concurrency?: number;
  /** Query page size; DynamoDB's own 1 MB page limit applies regardless. */
  queryPageSize?: number;
  /** Epoch ms for the batch item's TTL (default: the system clock). */
  now?: () => number;
}

type WriteOutcome = 'written' | 'alreadyApplied' | 'unchanged';

interface TokenWrite {
  pk: string;
  sk: string;
  token: string;
}

export class DynamoDbMetricsStore implements MetricsStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly bucketTtlMs: number;
  private readonly concurrency: number;
  private readonly queryPageSize: number | undefined;
  private readonly now: () => number;

  constructor(options: DynamoDbMetricsStoreOptions) {
    this.documents = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
      // A counter summed past 2^53 by many batches must still read (the default throws): saturate.
      unmarshallOptions: { wrapNumbers: (text: string) => Math.min(Number(text), Number.MAX_SAFE_INTEGER) },
    });
    this.tableName = options.tableName;
    this.bucketTtlMs = options.bucketTtlMs;
    this.concurrency = options.concurrency ?? 16;
    this.queryPageSize = options.queryPageSize;
    this.now = options.now ?? Date.now;
  }

  async applyBatch(
    batchId: string,
    aggregate: BatchAggregate,
    contentHash: string = batchId,
  ): Promise<ApplyBatchResult> {
    const writes: (() => Promise<WriteOutcome>)[] = [];
    // Part 0 of a bucket carries its counters: the bucket counts as written when part 0 was.
    const writtenBuckets: ApplyBatchResult['writtenBuckets'] = [];
    const rollupWrites: (() => Promise<WriteOutcome>)[] = [];
    const tokens: TokenWrite[] = [];
    for (const series of aggregate.series.values()) {
      for (const bucket of series.buckets.values()) {
        bucketParts(bucket).forEach((adds, part) => {
          const token = part === 0 ? batchId : `${batchId}#${part}`;
          const pk = bucketPk(series.series);
          tokens.push({ pk, sk: isoKey(bucket.minute), token });
          writes.push(async () => {
            const outcome = await this.addToBucket(pk, bucket.minute, adds, token);
            if (part === 0 && outcome === 'written') {
              writtenBuckets.push({ series: series.series, minute: bucket.minute });
            }
            return outcome;
          });
        });
      }
      // Each hour's rollup carries the same batch token, so it too is applied exactly once.
      for (const rollup of hourlyRollups(series.buckets.values()).values()) {
        bucketParts(rollup).forEach((adds, part) => {
          const token = part === 0 ? batchId : `${batchId}#${part}`;
          const pk = rollupPk(series.series);
          tokens.push({ pk, sk: isoKey(rollup.minute), token });
          rollupWrites.push(() => this.addToBucket(pk, rollup.minute, adds, token));
        });
      }
    }
    const bucketWrites = writes.length;
    for (const report of aggregate.gdsReports) writes.push(() => this.putReport(report));
    for (const sighting of aggregate.sightings.values()) {
      writes.push(() => this.noteSighting(sighting, 'firstSeen'));
      writes.push(() => this.noteSighting(sighting, 'lastSeen'));
    }

    const { complete } = await this.registerAttempt(batchId, contentHash);
    if (complete) {
      // An earlier attempt applied everything: nothing to write, every bucket already applied.
      await this.finishAttempt(batchId, false, tokens);
      return {
        writes: 0,
        alreadyApplied: bucketWrites,
        writtenBuckets: [],
        rollups: { writes: 0, alreadyApplied: rollupWrites.length },
      };
    }
    let outcomes: WriteOutcome[];
    let rollupOutcomes: WriteOutcome[];
    try {
      outcomes = await runBounded(writes, this.concurrency);
      rollupOutcomes = await runBounded(rollupWrites, this.concurrency);
    } catch (error) {
      // Best effort: a process that dies here leaves `active` raised, which only delays cleanup.
      await this.finishAttempt(batchId, false, tokens).catch(() => undefined);
      throw error;
    }
    await this.finishAttempt(batchId, true, tokens);
    return {
      writes: outcomes.filter((outcome) => outcome === 'written').length,
      alreadyApplied: outcomes.filter((outcome) => outcome === 'alreadyApplied').length,
      writtenBuckets,
      rollups: {
        writes: rollupOutcomes.filter((outcome) => outcome === 'written').length,
        alreadyApplied: rollupOutcomes.filter((outcome) => outcome === 'alreadyApplied').length,
      },
    };
  }

  /** Step 1: remember the content hash (refusing another under the same id) and count the attempt in. */
  private async registerAttempt(batchId: string, contentHash: string): Promise<{ complete: boolean }> {
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: batchPk(batchId), sk: BATCH_SK },
          UpdateExpression:
            'SET #hash = if_not_exists(#hash, :hash), #expiresAt = if_not_exists(#expiresAt, :expiresAt) ADD #active :one',
          ConditionExpression: 'attribute_not_exists(#hash) OR #hash = :hash',
          ExpressionAttributeNames: {
            '#hash': 'contentHash',
            '#active': 'active',
            '#expiresAt': TTL_ATTRIBUTE,
          },
          ExpressionAttributeValues: {
            ':hash': contentHash,
            ':one': 1,
            ':expiresAt': Math.floor((this.now() + this.bucketTtlMs + DAY_MS) / 1000),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { complete: Attributes?.complete === true };
    } catch (error) {
      if (isConditionFailure(error)) throw new BatchIdConflictError(batchId);
      throw error;
    }
  }

  /** Steps 3 and 4: count the attempt out; the last one out of a complete batch removes its tokens. */
  private async finishAttempt(
    batchId: string,
    succeeded: boolean,
    tokens: readonly TokenWrite[],
  ): Promise<void> {
    const { Attributes } = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: batchPk(batchId), sk: BATCH_SK },
        UpdateExpression: succeeded ? 'SET #complete = :true ADD #active :minusOne' : 'ADD #active :minusOne',
        ExpressionAttributeNames: succeeded
          ? { '#complete': 'complete', '#active': 'active' }
          : { '#active': 'active' },
        ExpressionAttributeValues: succeeded ? { ':true': true, ':minusOne': -1 } : { ':minusOne': -1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (Attributes?.complete !== true || Attributes.active !== 0 || Attributes.cleaned === true) return;
    await runBounded(
      tokens.map((write) => () => this.removeToken(write)),
      this.concurrency,
    );
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: batchPk(batchId), sk: BATCH_SK },
        UpdateExpression: 'SET #cleaned = :true',
        ExpressionAttributeNames: { '#cleaned': 'cleaned' },
        ExpressionAttributeValues: { ':true': true },
      }),
    );
  }

  private async removeToken({ pk, sk, token }: TokenWrite): Promise<WriteOutcome> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk },
          UpdateExpression: 'DELETE #pending :tokens',
          // Never create an empty item for a bucket that is not there.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#pending': 'pending' },
          ExpressionAttributeValues: { ':tokens': new Set([token]) },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    return 'unchanged';
  }

  async readBuckets(series: string, fromMinute: number, toMinute: number): Promise<MinuteBucket[]> {
    if (fromMinute > toMinute) return [];
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': bucketPk(series),
        ':from': isoKey(fromMinute),
        ':to': isoKey(toMinute),
      },
    });
    return items.map(bucketFromItem);
  }

  async readHourRollups(series: string, fromHour: number, toHour: number): Promise<MinuteBucket[]> {
    if (fromHour > toHour) return [];
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': rollupPk(series),
        ':from': isoKey(fromHour),
        ':to': isoKey(toHour),
      },
    });
    return items.map(bucketFromItem);
  }

  async readGdsReports(version: Version, fromTs: number, toTs: number): Promise<GdsReportEvent[]> {
    if (fromTs >= toTs) return [];
    // Sort keys are `<ts ISO>#<id>`: every key of a report at `toTs` sorts below the ISO of toTs + 1 ms.
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': reportPk(version),
        ':from': isoKey(fromTs),
        ':to': isoKey(toTs + 1),
      },
    });
    return items
      .map((item) => item.report as GdsReportEvent)
      .filter((report) => report.ts > fromTs && report.ts <= toTs);
  }

  async listVersionSightings(): Promise<VersionSighting[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': SIGHTINGS_PK },
    });
    return items
      .filter((item) => item.firstSeen !== undefined || item.lastSeen !== undefined)
      .map((item) => {
        // A crash between the two sighting updates may leave one bound; the other is then the best known.
        const firstSeen = (item.firstSeen ?? item.lastSeen) as number;
        const lastSeen = (item.lastSeen ?? item.firstSeen) as number;
        return { version: item.version as Version, firstSeen, lastSeen };
      })
      .sort((a, b) => b.lastSeen - a.lastSeen);
  }

  private async addToBucket(
    pk: string,
    minute: number,
    adds: readonly [string, number][],
    token: string,
  ): Promise<WriteOutcome> {
    const names: Record<string, string> = { '#pending': 'pending', '#expiresAt': TTL_ATTRIBUTE };
    const values: Record<string, unknown> = {
      ':token': token,
      ':tokens': new Set([token]),
      ':expiresAt': Math.floor((minute + this.bucketTtlMs) / 1000),
    };
    const clauses = ['#pending :tokens'];
    adds.forEach(([attribute, amount], index) => {
      names[`#a${index}`] = attribute;
      values[`:a${index}`] = amount;
      clauses.push(`#a${index} :a${index}`);
    });
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk: isoKey(minute) },
          UpdateExpression: `SET #expiresAt = :expiresAt ADD ${clauses.join(', ')}`,
          ConditionExpression: 'attribute_not_exists(#pending) OR NOT contains(#pending, :token)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return 'written';
    } catch (error) {
      if (isConditionFailure(error)) return 'alreadyApplied';
      throw error;
    }
  }

  private async putReport(report: GdsReportEvent): Promise<WriteOutcome> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: reportPk(report.version),
            sk: `${isoKey(report.ts)}#${report.id}`,
            // A plain-JSON copy: no undefined fields, whatever marshalling options the shared client has.
            report: JSON.parse(JSON.stringify(report)),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'written';
    } catch (error) {
      if (isConditionFailure(error)) return 'unchanged';
      throw error;
    }
  }

  /** Moves firstSeen earlier or lastSeen later; a failed condition means the stored bound already wins. */
  private async noteSighting(
    sighting: VersionSighting,
    bound: 'firstSeen' | 'lastSeen',
  ): Promise<WriteOutcome> {
    const comparison = bound === 'firstSeen' ? '>' : '<';
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: SIGHTINGS_PK, sk: versionKey(sighting.version) },
          UpdateExpression: 'SET #version = :version, #bound = :ts',
          ConditionExpression: `attribute_not_exists(#bound) OR #bound ${comparison} :ts`,
          ExpressionAttributeNames: { '#version': 'version', '#bound': bound },
          ExpressionAttributeValues: { ':version': sighting.version, ':ts': sighting[bound] },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    return 'unchanged';
  }

  private queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    return queryAllItems(this.documents, { ...input, Limit: this.queryPageSize });
  }
}

/** Table definition shared by local setup and tests; the cloud table (with TTL on `expiresAt`) is CDK's. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

export const TTL_ATTRIBUTE = 'expiresAt';
export const SIGHTINGS_PK = 'V';

function bucketPk(series: string): string {
  return `B#${series}`;
}

/** Batch ids are `[A-Za-z0-9._:-]` (or a content hash), so the key needs no escaping. */
function batchPk(batchId: string): string {
  return `M#${batchId}`;
}

function rollupPk(series: string): string {
  return `R#${series}`;
}

function reportPk(version: Version): string {
  return `G#${versionKey(version)}`;
}

/** Full ISO timestamps sort like the instants they name (years 0–9999). */
function isoKey(ms: number): string {
  return new Date(ms).toISOString();
}

/** The non-zero counters and histogram bins of a bucket, split into parts that fit one update each. */
function bucketParts(bucket: MinuteBucket): [string, number][][] {
  const adds: [string, number][] = [];
  for (const field of COUNTER_FIELDS) {
    if (bucket[field] !== 0) adds.push([field, bucket[field]]);
  }
  // Zeros too: an attribute present at 0 says "counted, none beyond", where absence means "not
  // counted" (a bucket written before the counters, or under another threshold) — see samplesOver.
  for (const [key, count] of Object.entries(bucket.latencyOver).sort(([a], [b]) => a.localeCompare(b))) {
    adds.push([key, count]);
  }
  const bins = Object.keys(bucket.latency)
    .map(Number)
    .sort((a, b) => a - b);
  for (const bin of bins) {
    const count = bucket.latency[bin] ?? 0;
    if (count !== 0) adds.push([`h${bin}`, count]);
  }
  const parts: [string, number][][] = [];
  for (let start = 0; start < adds.length || start === 0; start += MAX_ADDS_PER_UPDATE) {
    parts.push(adds.slice(start, start + MAX_ADDS_PER_UPDATE));
  }
  return parts;
}

function bucketFromItem(item: Record<string, unknown>): MinuteBucket {
  const bucket = emptyBucket(Date.parse(item.sk as string));
  for (const field of COUNTER_FIELDS) {
    const value = item[field];
    if (typeof value === 'number') bucket[field] = value;
  }
  for (const [attribute, value] of Object.entries(item)) {
    const bin = BIN_ATTRIBUTE.exec(attribute);
    if (bin && typeof value === 'number' && value !== 0) bucket.latency[Number(bin[1])] = value;
    if (typeof value === 'number' && parseLatencyCutKey(attribute)) bucket.latencyOver[attribute] = value;
  }
  return bucket;
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

/**
 * Runs tasks with at most `limit` in flight. On the first failure no new task starts; the ones in
 * flight finish (their writes are idempotent) and the failure is rethrown.
 */
async function runBounded<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < tasks.length) {
      const index = next++;
      const task = tasks[index] as () => Promise<T>;
      try {
        results[index] = await task();
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), tasks.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}
