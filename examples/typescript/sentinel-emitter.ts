/**
 * Sends a classifier's events to Rollback Sentinel's ingest URL (a Lambda Function URL with
 * `AWS_IAM` auth), signed with SigV4 (service `lambda`, the stack's region). Self-contained:
 * `@smithy/signature-v4`, `node:crypto` and `fetch` only.
 *
 * Same semantics as `examples/python/sentinel_emitter.py`:
 * - batches of at most `maxEvents` (≤ 1,000) events and `maxBodyBytes` (≤ 4 MB), sent when full,
 *   `maxIntervalMs` after their first event, and on `flush()` / `close()`;
 * - each batch's `batchId` is a hash of its events, fixed when it is sealed; a retry re-sends the
 *   same bytes under the same id, so Sentinel counts it once;
 * - retried with exponential backoff and full jitter (`Retry-After` honoured): network errors,
 *   timeouts, 429 and 5xx. Never retried — logged and dropped with the reason: 400, 403, 409, 413
 *   and any other 4xx. A 200 may still reject single events; they are logged.
 * - `snippet` is sent by default (truncated to 10,000 characters): Sentinel derives the OTP
 *   verdict from it on arrival and drops the text, never storing or logging it. With
 *   `includeSnippet: false` no text leaves the service; pass `otp` from your own detector then.
 *
 * Credentials: pass `credentials` (an object or an async provider such as
 * `fromNodeProviderChain()` of `@aws-sdk/credential-providers`, called before every attempt);
 * without it the emitter uses AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

export type Importance = 'critical' | 'time_sensitive' | 'routine';
export interface Version {
  model: string;
  modelVersion: string;
  prompt: string;
}
export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
}
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
export type Event = Record<string, unknown> & { type: string; id: string; ts: string; version: Version };

export interface BatchResult {
  batchId: string;
  events: number;
  outcome: 'delivered' | 'dropped';
  attempts: number;
  status?: number;
  reason?: string;
  accepted: number;
  rejected: unknown[];
}

export interface SentinelEmitterOptions {
  ingestUrl: string;
  /** The stack's region; default AWS_REGION / AWS_DEFAULT_REGION, else parsed from the URL. */
  region?: string;
  credentials?: AwsCredentials | (() => Promise<AwsCredentials>);
  maxEvents?: number;
  maxBodyBytes?: number;
  maxIntervalMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  includeSnippet?: boolean;
  maxQueuedBatches?: number;
  onResult?: (result: BatchResult) => void;
  logger?: Pick<Console, 'warn' | 'error'>;
}

export const MAX_EVENTS_PER_BATCH = 1000;
export const MAX_BODY_BYTES = 4_000_000;
const SNIPPET_MAX_CHARS = 10_000;
const ENVELOPE_BYTES = 100;
const IMPORTANCES: readonly Importance[] = ['critical', 'time_sensitive', 'routine'];

type SourceData = string | ArrayBuffer | ArrayBufferView;
const toBytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
/** SHA-256 / HMAC-SHA-256 in the shape the Smithy signer expects. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

interface Batch {
  batchId: string;
  body: string;
  events: number;
}

class Retryable extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const iso = (ts: Date | string | undefined): string =>
  ts === undefined ? new Date().toISOString() : typeof ts === 'string' ? ts : ts.toISOString();

/** JSON with object keys sorted at every level, so equal events always hash equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Cuts to `limit` UTF-16 code units (how Sentinel counts) without splitting a surrogate pair. */
function truncateSnippet(text: string): string {
  if (text.length <= SNIPPET_MAX_CHARS) return text;
  const code = text.charCodeAt(SNIPPET_MAX_CHARS - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? SNIPPET_MAX_CHARS - 1 : SNIPPET_MAX_CHARS);
}

function defined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

const DROP_REASONS: Record<number, string> = {
  400: '400 malformed batch',
  403: '403 forbidden: the request is unsigned or the caller lacks lambda:InvokeFunctionUrl and lambda:InvokeFunction on the ingest function',
  409: '409 batchId re-used for different content',
  413: '413 batch too large',
};

export class SentinelEmitter {
  readonly results: BatchResult[] = [];
  private readonly signer: SignatureV4;
  private readonly url: URL;
  private readonly options: Required<
    Pick<
      SentinelEmitterOptions,
      | 'maxEvents'
      | 'maxBodyBytes'
      | 'maxIntervalMs'
      | 'maxAttempts'
      | 'baseDelayMs'
      | 'maxDelayMs'
      | 'timeoutMs'
      | 'includeSnippet'
      | 'maxQueuedBatches'
    >
  >;
  private readonly log: Pick<Console, 'warn' | 'error'>;
  private buffer: Event[] = [];
  private bufferBytes = 0;
  private readonly queue: Batch[] = [];
  private sending: Promise<void> | undefined;
  private readonly timer: ReturnType<typeof setInterval>;
  private bufferSince = 0;
  private closed = false;
  private warnedNoOtp = false;

  constructor(private readonly config: SentinelEmitterOptions) {
    const maxEvents = config.maxEvents ?? MAX_EVENTS_PER_BATCH;
    const maxBodyBytes = config.maxBodyBytes ?? MAX_BODY_BYTES;
    if (maxEvents < 1 || maxEvents > MAX_EVENTS_PER_BATCH)
      throw new RangeError(`maxEvents must be 1..${MAX_EVENTS_PER_BATCH}`);
    if (maxBodyBytes < 1024 || maxBodyBytes > MAX_BODY_BYTES)
      throw new RangeError(`maxBodyBytes must be 1024..${MAX_BODY_BYTES}`);
    this.options = {
      maxEvents,
      maxBodyBytes,
      maxIntervalMs: config.maxIntervalMs ?? 5_000,
      maxAttempts: Math.max(1, config.maxAttempts ?? 8),
      baseDelayMs: config.baseDelayMs ?? 200,
      maxDelayMs: config.maxDelayMs ?? 30_000,
      timeoutMs: config.timeoutMs ?? 10_000,
      includeSnippet: config.includeSnippet ?? true,
      maxQueuedBatches: config.maxQueuedBatches ?? 100,
    };
    this.log = config.logger ?? console;
    this.url = new URL(config.ingestUrl);
    const region =
      config.region ??
      process.env.AWS_REGION ??
      process.env.AWS_DEFAULT_REGION ??
      /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(this.url.hostname)?.[1];
    if (!region) throw new Error('no region: pass region or set AWS_REGION (the stack region)');
    const credentials = config.credentials ?? fromEnv;
    this.signer = new SignatureV4({ service: 'lambda', region, credentials, sha256: NodeSha256 });
    const tick = Math.max(50, Math.min(1_000, this.options.maxIntervalMs / 2));
    this.timer = setInterval(() => this.flushIfDue(), tick);
    this.timer.unref?.();
  }

  classification(event: {
    id: string;
    version: Version;
    importance: Importance;
    ts?: Date | string;
    latencyMs?: number;
    costUsd?: number;
    error?: boolean;
    snippet?: string;
    otp?: boolean;
    shadow?: boolean;
    emailId?: string;
  }): void {
    if (!IMPORTANCES.includes(event.importance))
      throw new RangeError(`importance must be one of ${IMPORTANCES.join(', ')}`);
    const { snippet, ts, ...rest } = event;
    const out: Event = {
      ...defined(rest),
      type: 'classification',
      id: event.id,
      ts: iso(ts),
      version: event.version,
    };
    if (snippet !== undefined) {
      if (this.options.includeSnippet) out.snippet = truncateSnippet(snippet);
      else if (event.otp === undefined && !this.warnedNoOtp) {
        this.warnedNoOtp = true;
        this.log.warn(
          'sentinel: includeSnippet is false and no otp given: Sentinel cannot detect OTPs in critical for these events',
        );
      }
    }
    this.emit(out);
  }

  correction(event: {
    id: string;
    version: Version;
    emailId: string;
    oldImportance: Importance;
    newImportance: Importance;
    ts?: Date | string;
  }): void {
    for (const value of [event.oldImportance, event.newImportance])
      if (!IMPORTANCES.includes(value))
        throw new RangeError(`importance must be one of ${IMPORTANCES.join(', ')}`);
    this.emit({ ...event, type: 'correction', ts: iso(event.ts) });
  }

  gdsReport(event: {
    id: string;
    version: Version;
    dataset: string;
    critical: Confusion;
    time_sensitive?: Confusion;
    routine?: Confusion;
    otpInCritical?: number;
    ts?: Date | string;
  }): void {
    this.emit({ ...(defined(event) as typeof event), type: 'gds_report', ts: iso(event.ts) });
  }

  /** Buffers one event already in the contract's shape; seals a batch when it is full. */
  emit(event: Event): void {
    if (this.closed) throw new Error('emitter is closed');
    const size = Buffer.byteLength(JSON.stringify(event)) + 1;
    if (size + ENVELOPE_BYTES > this.options.maxBodyBytes) {
      this.record({
        batchId: '-',
        events: 1,
        outcome: 'dropped',
        attempts: 0,
        accepted: 0,
        rejected: [],
        reason: `event ${JSON.stringify(event.id)} alone is ${size} bytes, over the ${this.options.maxBodyBytes}-byte request limit`,
      });
      return;
    }
    if (this.buffer.length > 0 && this.bufferBytes + size + ENVELOPE_BYTES > this.options.maxBodyBytes)
      this.seal();
    if (this.buffer.length === 0) this.bufferSince = Date.now();
    this.buffer.push(event);
    this.bufferBytes += size;
    if (this.buffer.length >= this.options.maxEvents) this.seal();
  }

  /** Seals the buffer and resolves when every queued batch is delivered or dropped. */
  async flush(): Promise<BatchResult[]> {
    if (this.buffer.length > 0) this.seal();
    while (this.sending) await this.sending;
    return [...this.results];
  }

  async close(): Promise<BatchResult[]> {
    this.closed = true;
    clearInterval(this.timer);
    return this.flush();
  }

  private flushIfDue(): void {
    if (this.buffer.length > 0 && Date.now() - this.bufferSince >= this.options.maxIntervalMs) this.seal();
  }

  private seal(): void {
    const events = this.buffer;
    this.buffer = [];
    this.bufferBytes = 0;
    const batchId = `emit-${createHash('sha256').update(canonical(events)).digest('hex').slice(0, 48)}`;
    const batch = { batchId, body: JSON.stringify({ batchId, events }), events: events.length };
    if (this.queue.length >= this.options.maxQueuedBatches) {
      this.record({
        batchId,
        events: events.length,
        outcome: 'dropped',
        attempts: 0,
        accepted: 0,
        rejected: [],
        reason: 'send queue full (Sentinel unreachable for long?)',
      });
      return;
    }
    this.queue.push(batch);
    this.sending ??= this.drain().finally(() => {
      this.sending = undefined;
    });
  }

  /** One batch at a time, in order. */
  private async drain(): Promise<void> {
    for (let batch = this.queue.shift(); batch; batch = this.queue.shift()) {
      try {
        this.record(await this.deliver(batch));
      } catch (error) {
        this.log.error(
          `sentinel: unexpected error delivering batch ${batch.batchId}: ${(error as Error).message}`,
        );
      }
    }
  }

  private record(result: BatchResult): void {
    this.results.push(result);
    if (result.outcome === 'dropped')
      this.log.error(
        `sentinel: batch ${result.batchId} (${result.events} events) dropped after ${result.attempts} attempt(s): ${result.reason}`,
      );
    else if (result.rejected.length > 0)
      this.log.warn(
        `sentinel: batch ${result.batchId}: ${result.accepted} accepted, ${result.rejected.length} rejected, first: ${JSON.stringify(result.rejected.slice(0, 5))}`,
      );
    try {
      this.config.onResult?.(result);
    } catch (error) {
      this.log.error(`sentinel: onResult threw: ${(error as Error).message}`);
    }
  }

  private async deliver(batch: Batch): Promise<BatchResult> {
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.options;
    let last = 'not sent';
    let status: number | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      let answer: Record<string, unknown>;
      try {
        [status, answer] = await this.post(batch.body);
      } catch (error) {
        const retryable = error instanceof Retryable ? error : undefined;
        last = retryable ? retryable.message : `network error: ${describe(error)}`;
        status = retryable?.status;
        if (attempt === maxAttempts) break;
        let delay = Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
        if (retryable?.retryAfterMs !== undefined)
          delay = Math.max(delay, Math.min(retryable.retryAfterMs, maxDelayMs));
        this.log.warn(
          `sentinel: batch ${batch.batchId} attempt ${attempt} failed (${last}); retrying in ${Math.round(delay)} ms`,
        );
        await sleep(delay);
        continue;
      }
      if (status === 200) {
        return {
          batchId: batch.batchId,
          events: batch.events,
          outcome: 'delivered',
          attempts: attempt,
          status,
          accepted: Number(answer.accepted ?? 0),
          rejected: Array.isArray(answer.rejected) ? answer.rejected : [],
        };
      }
      const reason = DROP_REASONS[status] ?? `HTTP ${status}`;
      const detail = answer.error ?? answer.Message ?? answer.message;
      return {
        batchId: batch.batchId,
        events: batch.events,
        outcome: 'dropped',
        attempts: attempt,
        status,
        accepted: 0,
        rejected: [],
        reason: typeof detail === 'string' ? `${reason}: ${detail}` : reason,
      };
    }
    return {
      batchId: batch.batchId,
      events: batch.events,
      outcome: 'dropped',
      attempts: maxAttempts,
      ...(status === undefined ? {} : { status }),
      accepted: 0,
      rejected: [],
      reason: `gave up after ${maxAttempts} attempts: ${last}`,
    };
  }

  /** One signed POST, signed afresh each attempt (new date, refreshed credentials). */
  private async post(body: string): Promise<[number, Record<string, unknown>]> {
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: Number(this.url.port) || undefined,
      path: this.url.pathname,
      query: Object.fromEntries(this.url.searchParams),
      headers: { host: this.url.host, 'content-type': 'application/json' },
      body,
    });
    const response = await fetch(this.url, {
      method: 'POST',
      headers: signed.headers as Record<string, string>,
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const text = await response.text();
    if (response.status >= 500 || response.status === 429) {
      const after = Number(response.headers.get('retry-after'));
      throw new Retryable(
        `HTTP ${response.status}`,
        response.status,
        Number.isFinite(after) && response.headers.has('retry-after') ? after * 1000 : undefined,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text || '{}');
    } catch {
      parsed = {};
    }
    return [response.status, parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {}];
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
}

async function fromEnv(): Promise<AwsCredentials> {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY)
    throw new Error(
      'no credentials: pass credentials (e.g. fromNodeProviderChain()) or set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY',
    );
  return {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
  };
}
