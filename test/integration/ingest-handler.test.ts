import { ScanCommand } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbMetricsStore } from '../../functions/adapters/dynamodb-metrics-store.ts';
import { seriesKey } from '../../functions/core/aggregate.ts';
import { parseDuration } from '../../functions/core/duration.ts';
import { parsePolicy } from '../../functions/core/policy.ts';
import {
  handler as cloudHandler,
  type IngestLogger,
  makeIngestHandler,
} from '../../functions/handlers/ingest.ts';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '../../functions/local/dynalite.ts';
import { type IngestServer, startIngestServer } from '../support/function-url-server.ts';

const V1 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
const T0 = Date.parse('2026-11-27T10:00:00Z');
const TABLE = 'ingest-handler';
/** The receiver's clock: a day after the traffic, so the fixtures never age out of the window. */
const RECEIVER_CLOCK = { now: () => new Date(T0 + 86_400_000) };
/** Distinctive snippet text that must never appear in a response, a log line or the table. */
const OTP_SNIPPET = 'Your verification code is 731902 CANARY-ZEBRA';
const PLAIN_SNIPPET = 'Lunch on Friday? CANARY-OTTER';
const CANARIES = ['CANARY', '731902', 'verification code', 'Lunch on Friday'];

const policy = parsePolicy({ ingest: { maxBodyBytes: 200_000, maxEventsPerBatch: 1000 } });

let dynamo: LocalDynamo;
let server: IngestServer;
let store: DynamoDbMetricsStore;
const logLines: string[] = [];
const responses: string[] = [];

const recorder: IngestLogger = {
  info: (message, attributes) => logLines.push(JSON.stringify({ level: 'info', message, ...attributes })),
  warn: (message, attributes) => logLines.push(JSON.stringify({ level: 'warn', message, ...attributes })),
  error: (message, attributes) => logLines.push(JSON.stringify({ level: 'error', message, ...attributes })),
};

function classification(
  id: string,
  minute: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'classification',
    id,
    ts: new Date(T0 + minute * 60_000).toISOString(),
    version: V1,
    importance: 'routine',
    latencyMs: 700,
    ...extra,
  };
}

async function post(
  body: string | Uint8Array,
  contentType = 'application/json',
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  const text = await response.text();
  responses.push(text);
  return { status: response.status, json: JSON.parse(text) };
}

async function classifiedIn(minute: number): Promise<number> {
  const at = T0 + minute * 60_000;
  const [bucket] = await store.readBuckets(seriesKey(V1), at, at);
  return bucket?.classified ?? 0;
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await ensureTable(dynamo.client, TABLE);
  store = new DynamoDbMetricsStore({
    client: dynamo.client,
    tableName: TABLE,
    bucketTtlMs: parseDuration('35d'),
  });
  server = await startIngestServer({
    port: 0,
    host: '127.0.0.1',
    handler: middy(makeIngestHandler({ store, policy, logger: recorder, clock: RECEIVER_CLOCK })),
  });
});

afterAll(async () => {
  await server?.close();
  await dynamo?.stop();
});

describe('ingest handler over HTTP', () => {
  it('accepts valid events and lists the rejected ones with index, id, field and message', async () => {
    const events = [
      classification('a-1', 0, { importance: 'critical', snippet: OTP_SNIPPET }),
      classification('a-2', 0, { snippet: PLAIN_SNIPPET }),
      classification('a-3', 1),
      classification('a-4', 1, { importance: 'urgent', snippet: OTP_SNIPPET }),
      { type: 'correction', id: 'a-5', version: V1, ts: 'soon', snippet: PLAIN_SNIPPET },
    ];

    const { status, json } = await post(JSON.stringify(events));

    expect(status).toBe(200);
    expect(json).toEqual({
      accepted: 3,
      rejected: [
        {
          index: 3,
          id: 'a-4',
          field: 'importance',
          message: 'must be one of critical, time_sensitive, routine (got "urgent")',
        },
        {
          index: 4,
          id: 'a-5',
          field: 'ts',
          message: 'must be an ISO 8601 UTC timestamp such as 2026-11-27T10:00:00Z',
        },
      ],
      duplicates: 0,
      batchId: expect.stringMatching(/^sha256:[0-9a-f]{40}$/),
    });
    const [bucket] = await store.readBuckets(seriesKey(V1), T0, T0);
    expect(bucket).toMatchObject({ classified: 2, critical: 1, otpCritical: 1 });
  });

  it('counts a batch sent three times once, with or without a batchId', async () => {
    const events = Array.from({ length: 50 }, (_, i) => classification(`b-${i}`, 10 + (i % 2)));
    const withId = JSON.stringify({ batchId: 'client-batch-7', events });
    const answers = [await post(withId), await post(withId), await post(withId)];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.json.batchId)).toEqual([
      'client-batch-7',
      'client-batch-7',
      'client-batch-7',
    ]);
    expect([await classifiedIn(10), await classifiedIn(11)]).toEqual([25, 25]);

    const bare = JSON.stringify(
      events.map((event) => ({ ...event, id: `c-${event.id}`, ts: event.ts })).reverse(),
    );
    for (let i = 0; i < 3; i++) expect((await post(bare)).status).toBe(200);
    expect([await classifiedIn(10), await classifiedIn(11)]).toEqual([50, 50]);
  });

  it('answers 409 naming the batchId when it is re-used for other events, and counts nothing of them', async () => {
    const first = Array.from({ length: 4 }, (_, i) => classification(`r-${i}`, 45));
    expect((await post(JSON.stringify({ batchId: 'reused-9', events: first }))).status).toBe(200);
    const other = Array.from({ length: 7 }, (_, i) => classification(`s-${i}`, 45));
    const answer = await post(JSON.stringify({ batchId: 'reused-9', events: other }));
    expect(answer.status).toBe(409);
    expect(answer.json).toMatchObject({ batchId: 'reused-9', error: expect.stringContaining('reused-9') });
    expect(await classifiedIn(45)).toBe(4);
  });

  it('reports duplicate ids within a batch and counts them once', async () => {
    const events = [classification('d-1', 20), classification('d-1', 20), classification('d-2', 20)];
    const { status, json } = await post(JSON.stringify(events));
    expect(status).toBe(200);
    expect(json).toMatchObject({ accepted: 2, duplicates: 1, rejected: [] });
    expect(await classifiedIn(20)).toBe(2);
  });

  it('decodes base64 bodies the way Function URLs deliver binary content', async () => {
    const body = new TextEncoder().encode(JSON.stringify([classification('base64-1', 30)]));
    const { status, json } = await post(body, 'application/octet-stream');
    expect(status).toBe(200);
    expect(json.accepted).toBe(1);
    expect(await classifiedIn(30)).toBe(1);
  });

  it.each([
    ['not JSON (quoting no part of it back)', `[{"snippet": "${OTP_SNIPPET}",`, /not valid JSON/],
    ['a raw snippet instead of JSON', `CANARY-RAW ${OTP_SNIPPET}`, /not valid JSON/],
    ['an empty body', '', /empty/],
    ['an object without events', '{"batchId":"x"}', /JSON array of events or an object/],
    ['events that are not a list', '{"events":"many"}', /JSON array of events or an object/],
    ['a JSON string', '"hello"', /JSON array of events or an object/],
    ['no events', '[]', /no events/],
    ['no events in an envelope', '{"events":[]}', /no events/],
    [
      'a malformed batchId',
      JSON.stringify({ batchId: 'has spaces#1', events: [classification('x-1', 40)] }),
      /batchId/,
    ],
  ])('answers 400 for %s', async (_, body, error) => {
    const { status, json } = await post(body);
    expect(status).toBe(400);
    expect(json.error).toMatch(error);
    expect(await classifiedIn(40)).toBe(0);
  });

  it('answers 413 above the body size limit', async () => {
    const big = JSON.stringify([
      classification('big-1', 50, { snippet: 'x'.repeat(policy.ingest.maxBodyBytes) }),
    ]);
    const { status, json } = await post(big);
    expect(status).toBe(413);
    expect(json.error).toMatch(/limit is 200000/);
    expect(await classifiedIn(50)).toBe(0);
  });

  it('answers 413 above the events-per-batch limit and stores nothing of it', async () => {
    const events = Array.from({ length: 1001 }, (_, i) => classification(`many-${i}`, 51));
    const { status, json } = await post(JSON.stringify({ events }));
    expect(status).toBe(413);
    expect(json.error).toMatch(/at most 1000 events \(got 1001\)/);
    expect(await classifiedIn(51)).toBe(0);

    const atLimit = await post(JSON.stringify(events.slice(0, 1000)));
    expect(atLimit.status).toBe(200);
    expect(await classifiedIn(51)).toBe(1000);
  });

  it('answers 405 to anything but POST', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('never lets a snippet reach a response, a log line or the table', async () => {
    // Runs last: every earlier request sent snippets in valid, invalid and unparsable events.
    expect(responses.length).toBeGreaterThan(10);
    expect(logLines.length).toBeGreaterThan(10);
    const { Items } = await dynamo.client.send(new ScanCommand({ TableName: TABLE }));
    expect(Items?.length).toBeGreaterThan(5);
    const everything = [...responses, ...logLines, JSON.stringify(Items)].join('\n');
    for (const canary of CANARIES) expect(everything).not.toContain(canary);
  });
});

describe('the deployed handler', () => {
  it('imports without AWS configuration and fails clearly when TABLE_NAME is missing', async () => {
    const saved = process.env.TABLE_NAME;
    delete process.env.TABLE_NAME;
    try {
      const event = { version: '2.0', requestContext: { http: { method: 'POST' } }, body: '[]' };
      await expect(
        cloudHandler(event as never, { awsRequestId: 'r', functionName: 'f' } as Context),
      ).rejects.toThrow('TABLE_NAME is not set');
    } finally {
      if (saved !== undefined) process.env.TABLE_NAME = saved;
    }
  });
});
