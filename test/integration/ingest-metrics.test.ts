/**
 * Custom metrics from ingest (issue 4): the pure mapping, the CloudWatch adapter's requests
 * against a stand-in server on 127.0.0.1, and the handler publishing only what a batch wrote.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloudWatchMetricsPublisher,
  RecordingMetricsPublisher,
} from '../../functions/adapters/cloudwatch-metrics-publisher.ts';
import { MemoryMetricsStore } from '../../functions/adapters/memory-metrics-store.ts';
import { seriesKey } from '../../functions/core/aggregate.ts';
import { prepareBatch } from '../../functions/core/ingest.ts';
import { ingestMetricData } from '../../functions/core/ingest-metrics.ts';
import { triggerCut } from '../../functions/core/latency-cuts.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import { versionKey } from '../../functions/core/version.ts';
import { makeIngestHandler } from '../../functions/handlers/ingest.ts';
import type { MetricDatum } from '../../functions/ports.ts';
import { METRIC_NAMES, METRICS_NAMESPACE } from '../../lib/triggers.ts';

const V2 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
const T0 = Date.parse('2026-11-27T12:00:00Z');
const MINUTE = 60_000;

function classification(id: string, ts: number, extra: Record<string, unknown> = {}) {
  return {
    type: 'classification',
    id,
    ts: new Date(ts).toISOString(),
    version: V2,
    importance: 'critical',
    snippet: 'Your verification code is 123456',
    latencyMs: 1000,
    ...extra,
  };
}

/** Minute T0: 20 OTP-critical calls, one slow; minute T0+1: 1 call; plus shadow traffic at T0. */
function batch() {
  return [
    ...Array.from({ length: 20 }, (_, i) =>
      classification(`a-${i}`, T0 + i * 1000, { latencyMs: i === 19 ? 9000 : 1000 + i }),
    ),
    classification('b-0', T0 + MINUTE, { snippet: 'Lunch?', importance: 'routine', latencyMs: 500 }),
    classification('s-0', T0 + 5000, { shadow: true, latencyMs: 99_000 }),
  ];
}

describe('ingestMetricData (pure mapping)', () => {
  const breachCut = triggerCut(DEFAULT_POLICY);

  it('matches the names the alarms watch, and publishes only the written live buckets', () => {
    expect(METRIC_NAMES.otpInCritical).toBe('OtpInCritical');
    expect(METRIC_NAMES.latencySamples).toBe('ClassificationLatencySamples');
    expect(METRIC_NAMES.latencyAboveBreach).toBe('ClassificationLatencyAboveBreach');
    const prepared = prepareBatch(batch(), DEFAULT_POLICY, { now: T0 });
    const data = ingestMetricData(
      prepared.aggregate,
      [
        { series: seriesKey(V2), minute: T0 },
        { series: seriesKey(V2, true), minute: T0 },
      ],
      breachCut,
    );
    const timestamp = new Date(T0);
    // 20 calls at T0, one of them at 9 s; the shadow call at 99 s is not a deployment's.
    expect(data.filter((datum) => !datum.dimensions)).toEqual([
      { name: 'OtpInCritical', timestamp, unit: 'Count', value: 20 },
      { name: 'ClassificationLatencySamples', timestamp, unit: 'Count', value: 20 },
      { name: 'ClassificationLatencyAboveBreach', timestamp, unit: 'Count', value: 1 },
    ]);
    expect(data.filter((datum) => datum.dimensions?.Version === versionKey(V2))).toHaveLength(3);
    // Nothing written, nothing published.
    expect(ingestMetricData(prepared.aggregate, [], breachCut)).toEqual([]);
  });

  it('counts samples strictly above the threshold: 3000 ms exactly is not above 3 s', () => {
    const latencies = [3000, 3000, 3000, 3000.5, 2999, 12_000];
    const events = latencies.map((latencyMs, i) => classification(`e-${i}`, T0 + i * 1000, { latencyMs }));
    const prepared = prepareBatch(events, DEFAULT_POLICY, { now: T0 });
    const data = ingestMetricData(prepared.aggregate, [{ series: seriesKey(V2), minute: T0 }], breachCut);
    const value = (name: string) => data.find((datum) => datum.name === name && !datum.dimensions)?.value;
    expect(value('ClassificationLatencySamples')).toBe(6);
    expect(value('ClassificationLatencyAboveBreach')).toBe(2);
  });

  it('publishes no latency counts for a minute without latency samples', () => {
    const events = [classification('n-0', T0, { latencyMs: undefined })];
    const prepared = prepareBatch(events, DEFAULT_POLICY, { now: T0 });
    const data = ingestMetricData(prepared.aggregate, [{ series: seriesKey(V2), minute: T0 }], breachCut);
    expect(data.map((datum) => datum.name)).toEqual(['OtpInCritical', 'OtpInCritical']);
  });
});

describe('CloudWatchMetricsPublisher against a stand-in on 127.0.0.1', () => {
  let server: Server;
  let endpoint: string;
  const requests: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        try {
          // The SDK gzips PutMetricData bodies above 10 KB (request compression).
          const raw = Buffer.concat(chunks);
          const text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString(
            'utf8',
          );
          requests.push({ headers: request.headers, body: JSON.parse(text) });
          response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
          response.end('{}');
        } catch (error) {
          response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
          response.end(JSON.stringify({ __type: 'InvalidParameterValue', message: String(error) }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends PutMetricData into the namespace, in requests of at most 500 data', async () => {
    const client = new CloudWatchClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const data: MetricDatum[] = Array.from({ length: 600 }, (_, i) => ({
      name: 'OtpInCritical',
      timestamp: new Date(T0 + i * MINUTE),
      unit: 'Count',
      value: i,
      ...(i === 0 ? { dimensions: { Version: 'm|1|v2' } } : {}),
    }));
    await new CloudWatchMetricsPublisher(client, METRICS_NAMESPACE).publish(data);
    expect(requests).toHaveLength(2);
    expect(String(requests[0]?.headers['x-amz-target'])).toMatch(/\.PutMetricData$/);
    const [first, second] = requests.map((request) => request.body);
    expect(first?.Namespace).toBe('RollbackSentinel');
    expect(first?.MetricData).toHaveLength(500);
    expect(second?.MetricData).toHaveLength(100);
    const sent = (first?.MetricData ?? []) as Record<string, unknown>[];
    const datum = sent[0];
    expect(datum).toMatchObject({
      MetricName: 'OtpInCritical',
      Unit: 'Count',
      Value: 0,
      Dimensions: [{ Name: 'Version', Value: 'm|1|v2' }],
    });
    expect(new Date(Number(datum?.Timestamp) * 1000).toISOString()).toBe(new Date(T0).toISOString());
    expect(sent[1]).not.toHaveProperty('Dimensions');
  });
});

describe('ingest handler publishes what the batch wrote', () => {
  const event = (body: unknown): APIGatewayProxyEventV2 =>
    ({ body: JSON.stringify(body), isBase64Encoded: false }) as APIGatewayProxyEventV2;
  const quiet = { info() {}, warn() {}, error() {} };

  it('a retried batch publishes nothing the second time', async () => {
    const publisher = new RecordingMetricsPublisher();
    const handler = makeIngestHandler({
      store: new MemoryMetricsStore(),
      policy: DEFAULT_POLICY,
      clock: { now: () => new Date(T0) },
      publisher,
      logger: quiet,
    });
    expect((await handler(event(batch()))).statusCode).toBe(200);
    const otp = publisher.published.filter((d) => d.name === 'OtpInCritical' && !d.dimensions);
    expect(otp.map((d) => [d.timestamp.getTime(), d.value])).toEqual([
      [T0, 20],
      [T0 + MINUTE, 0],
    ]);
    const before = publisher.published.length;
    expect((await handler(event(batch()))).statusCode).toBe(200);
    expect(publisher.published.length).toBe(before);
  });

  it('a failing publisher does not fail the stored batch; the error is logged by name', async () => {
    const errors: Record<string, unknown>[] = [];
    const handler = makeIngestHandler({
      store: new MemoryMetricsStore(),
      policy: DEFAULT_POLICY,
      clock: { now: () => new Date(T0) },
      publisher: {
        publish: async () => {
          throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
        },
      },
      logger: { ...quiet, error: (_message, attributes) => errors.push(attributes) },
    });
    expect((await handler(event(batch()))).statusCode).toBe(200);
    expect(errors).toEqual([expect.objectContaining({ error: 'ThrottlingException' })]);
  });
});
