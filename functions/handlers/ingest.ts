import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { breachSignalFromEnv } from '../commons/breach-signal.ts';
import { policyFromEnv, systemClock } from '../commons/env.ts';
import { logger } from '../commons/logger.ts';
import { metricsPublisherFromEnv } from '../commons/metrics-publisher.ts';
import { metricsStoreFromEnv } from '../commons/table.ts';
import type { LatencyCut } from '../core/buckets.ts';
import { BatchIdConflictError, PayloadTooLargeError, ValidationError } from '../core/errors.ts';
import { ingestBatch } from '../core/ingest.ts';
import { ingestMetricData, otpInCriticalWritten } from '../core/ingest-metrics.ts';
import { triggerCut } from '../core/latency-cuts.ts';
import type { Policy } from '../core/policy.ts';
import type { BreachSignal, Clock, MetricsPublisher, MetricsStore } from '../ports.ts';

/** The slice of the Powertools logger this handler uses; tests pass a recorder. */
export interface IngestLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface IngestDeps {
  store: MetricsStore;
  policy: Policy;
  logger?: IngestLogger;
  /** Custom metrics for the CloudWatch alarms (cloud); absent locally. */
  publisher?: MetricsPublisher;
  /** Wakes the dispatcher when a batch holds an OTP email classified critical (P0 in seconds). */
  breachSignal?: BreachSignal;
  /** Event timestamps are judged against this clock (default: the system's). */
  clock?: Clock;
}

export type IngestHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

const envelopeSchema = z.union([
  z.array(z.unknown()),
  z.object({ batchId: z.string().optional(), events: z.array(z.unknown()) }),
]);
const SHAPE_HINT = 'body must be a JSON array of events or an object {"batchId"?: string, "events": [...]}';

/**
 * POST a batch of events: 200 with what was accepted and rejected, 400 for a body that is not
 * JSON or holds no events, 413 above the size limits. `deps` may be a factory, resolved once on
 * the first request, so importing this module needs no AWS environment.
 */
export function makeIngestHandler(deps: IngestDeps | (() => IngestDeps)): IngestHandler {
  let resolved: IngestDeps | undefined;
  return async (event) => {
    resolved ??= typeof deps === 'function' ? deps() : deps;
    const { store, policy } = resolved;
    const log = resolved.logger ?? logger;

    const method = event.requestContext?.http?.method;
    if (method !== undefined && method !== 'POST') {
      return json(405, { error: 'use POST with a JSON body' }, { allow: 'POST' });
    }
    const body = decodeBody(event);
    if (body.byteLength > policy.ingest.maxBodyBytes) {
      log.warn('ingest rejected', { status: 413, bodyBytes: body.byteLength });
      return json(413, {
        error: `body is ${body.byteLength} bytes; the limit is ${policy.ingest.maxBodyBytes}`,
      });
    }
    if (body.byteLength === 0) return badRequest(log, `body is empty; ${SHAPE_HINT}`);
    let document: unknown;
    try {
      document = JSON.parse(body.toString('utf8'));
    } catch {
      // The parser's message quotes the body, which may hold snippets: say only what is wrong.
      return badRequest(log, `body is not valid JSON; ${SHAPE_HINT}`);
    }
    const envelope = envelopeSchema.safeParse(document);
    if (!envelope.success) return badRequest(log, SHAPE_HINT);
    const [events, batchId] = Array.isArray(envelope.data)
      ? [envelope.data, undefined]
      : [envelope.data.events, envelope.data.batchId];
    if (events.length === 0) return badRequest(log, 'body holds no events');

    try {
      const now = (resolved.clock ?? systemClock).now().getTime();
      const result = await ingestBatch(store, events, policy, { batchId, now });
      const metricsPublished = await publishMetrics(resolved.publisher, result, triggerCut(policy), log);
      const breachSignalled = await signalBreach(resolved.breachSignal, result, log);
      log.info('batch ingested', {
        batchId: result.batchId,
        accepted: result.accepted,
        rejected: result.rejected.length,
        duplicates: result.duplicates,
        writes: result.writes,
        alreadyApplied: result.alreadyApplied,
        metricsPublished,
        breachSignalled,
        rejectedFields: result.rejected
          .slice(0, 20)
          .map((rejection) => `${rejection.index}:${rejection.field}`),
      });
      return json(200, {
        accepted: result.accepted,
        rejected: result.rejected,
        duplicates: result.duplicates,
        batchId: result.batchId,
      });
    } catch (error) {
      if (error instanceof BatchIdConflictError) {
        log.warn('ingest rejected', { status: 409, batchId: error.batchId });
        return json(409, { error: error.message, batchId: error.batchId });
      }
      if (error instanceof PayloadTooLargeError) {
        log.warn('ingest rejected', { status: 413, events: events.length });
        return json(413, { error: error.message });
      }
      if (error instanceof ValidationError) return badRequest(log, error.message);
      log.error('ingest failed', { error: error instanceof Error ? error.name : 'unknown', batchId });
      throw error;
    }
  };
}

/**
 * Publishes the custom metrics of the buckets this call wrote. The batch is stored already, and a
 * retry would write (and publish) nothing, so a failure here cannot be fixed by failing the
 * request: it is logged as an error (the scheduled evaluator still judges the stored data) and
 * the count of data published (0) goes into the batch log.
 */
async function publishMetrics(
  publisher: MetricsPublisher | undefined,
  result: Awaited<ReturnType<typeof ingestBatch>>,
  breachCut: LatencyCut,
  log: IngestLogger,
): Promise<number> {
  if (!publisher) return 0;
  const data = ingestMetricData(result.aggregate, result.writtenBuckets, breachCut);
  if (data.length === 0) return 0;
  try {
    await publisher.publish(data);
    return data.length;
  } catch (error) {
    log.error('custom metrics not published', {
      error: error instanceof Error ? error.name : 'unknown',
      batchId: result.batchId,
      data: data.length,
    });
    return 0;
  }
}

/**
 * The P0 trigger has no minimum and no window to wait for: a batch that wrote an OTP email in
 * critical wakes the dispatcher now (same lock, same idempotent execution name as the schedule
 * and the alarm). Like the metrics, a failure is logged and never fails the stored batch: the
 * alarm and the minute schedule still catch it.
 */
async function signalBreach(
  signal: BreachSignal | undefined,
  result: Awaited<ReturnType<typeof ingestBatch>>,
  log: IngestLogger,
): Promise<boolean> {
  if (!signal) return false;
  const otpInCritical = otpInCriticalWritten(result.aggregate, result.writtenBuckets);
  if (otpInCritical === 0) return false;
  try {
    await signal.raise({ batchId: result.batchId, otpInCritical });
    return true;
  } catch (error) {
    log.error('breach not signalled to the dispatcher', {
      error: error instanceof Error ? error.name : 'unknown',
      batchId: result.batchId,
    });
    return false;
  }
}

function decodeBody(event: APIGatewayProxyEventV2): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

function badRequest(log: IngestLogger, error: string): APIGatewayProxyStructuredResultV2 {
  log.warn('ingest rejected', { status: 400, reason: error });
  return json(400, { error });
}

function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** Cloud wiring (TABLE_NAME, POLICY_JSON) shared with the other Lambdas; the SDK client is module-scope there. */
export function depsFromEnv(): IngestDeps {
  const policy = policyFromEnv();
  return {
    store: metricsStoreFromEnv(policy),
    policy,
    logger,
    publisher: metricsPublisherFromEnv(),
    breachSignal: breachSignalFromEnv(),
  };
}

export const handler = middy(makeIngestHandler(() => depsFromEnv())).use(
  // Never log the event: its body carries email snippets.
  injectLambdaContext(logger, { logEvent: false }),
);
