/**
 * The example emitters (examples/python/sentinel_emitter.py, examples/typescript/sentinel-emitter.ts)
 * against `sentinel serve`: 2,500 events go out as 3 batches signed with SigV4; a fault-injecting
 * proxy in front of the ingest URL loses the answer to one batch (it landed, the client sees 503),
 * cuts the connection of another and throttles a third, so each is retried under the same batchId;
 * the store must then hold every event exactly once. The proxy also verifies each request's SigV4
 * signature itself (the local Function URL only checks the access key), so a client that signs
 * wrongly fails here as it would in AWS.
 */
import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { SentinelEmitter } from '../../examples/typescript/sentinel-emitter.ts';
import { seriesKey } from '../../functions/core/aggregate.ts';
import type { Version } from '../../functions/core/version.ts';
import { useServe } from '../support/serve.ts';

const run = promisify(execFile);
const REGION = 'us-east-1';
const EVENTS = 2_500;
const MINUTE = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
const TS = new Date(MINUTE).toISOString();
const EMITTER_DIR = resolve(import.meta.dirname, '../../examples/python');
const OTP_SNIPPET = 'Your verification code is 482913';

/** The first python that can `import botocore` (Debian's python3-botocore is for /usr/bin/python3). */
async function findPython(): Promise<string | undefined> {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      await run(candidate, ['-c', 'import botocore']);
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}
const NO_BOTOCORE =
  'no python3 with botocore found (tried /usr/bin/python3, python3): install it with ' +
  '`apt-get install -y --no-install-recommends python3-botocore`';

// ---------------------------------------------------------------- SigV4 verification (independent)

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Recomputes the SigV4 signature of a received request; returns what is wrong, or undefined. */
function sigV4Problem(request: IncomingMessage, body: Buffer, secret: string): string | undefined {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      request.headers.authorization ?? '',
    );
  if (!match) return `no SigV4 authorization header: ${request.headers.authorization}`;
  const [, , date, region, service, signedHeaders, signature] = match as unknown as string[];
  if (region !== REGION || service !== 'lambda')
    return `scope ${region}/${service}, expected ${REGION}/lambda`;
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(date as string))
    return `x-amz-date ${amzDate} does not match the scope date ${date}`;
  const stamp = Date.parse(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  if (!(Math.abs(Date.now() - stamp) < 5 * 60_000)) return `x-amz-date ${amzDate} is not within 5 minutes`;
  const names = (signedHeaders as string).split(';');
  for (const required of ['host', 'x-amz-date'])
    if (!names.includes(required)) return `${required} not signed`;
  const url = new URL(request.url ?? '/', 'http://placeholder');
  const query = [...url.searchParams]
    .map(([key, value]) => `${encode(key)}=${encode(value)}`)
    .sort()
    .join('&');
  const headers = names
    .map(
      (name) =>
        `${name}:${String(request.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const path = url.pathname
    .split('/')
    .map((segment) => encode(decodeURIComponent(segment)))
    .join('/');
  const canonicalRequest = [request.method, path, query, headers, signedHeaders, sha256(body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${secret}`, date as string);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part as string);
  const expected = createHmac('sha256', key).update(toSign).digest('hex');
  return expected === signature ? undefined : 'signature does not match';
}

// ---------------------------------------------------------------- fault-injecting proxy

type Fault = 'lose-answer' | 'reset' | 'throttle';
interface Seen {
  batchId: string;
  bodyHash: string;
  events: number;
  fault?: Fault;
  forwardedStatus?: number;
  signature?: string;
}

/** Forwards to `target`; attempt k of the n-th distinct batch gets `faults[n][k - 1]`, if any. */
async function startProxy(target: string, secret: string, faults: Record<number, Fault[]>) {
  const seen: Seen[] = [];
  const order: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        let batchId = '(unparsed)';
        let events = 0;
        try {
          const parsed = JSON.parse(body.toString('utf8')) as { batchId: string; events: unknown[] };
          batchId = parsed.batchId;
          events = parsed.events.length;
        } catch {
          // forwarded as is
        }
        if (!order.includes(batchId)) order.push(batchId);
        const attempt = seen.filter((entry) => entry.batchId === batchId).length;
        const fault = faults[order.indexOf(batchId) + 1]?.[attempt];
        const entry: Seen = { batchId, bodyHash: sha256(body), events };
        if (fault) entry.fault = fault;
        const problem = sigV4Problem(request, body, secret);
        if (problem) entry.signature = problem;
        seen.push(entry);
        if (fault === 'reset') {
          request.socket.destroy();
          return;
        }
        if (fault === 'throttle') {
          response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
          response.end('{"message":"Rate exceeded"}');
          return;
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers))
          if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name))
            headers[name] = value;
        const answer = await fetch(target, { method: 'POST', headers, body });
        const text = await answer.text();
        entry.forwardedStatus = answer.status;
        if (fault === 'lose-answer') {
          response.writeHead(503, { 'content-type': 'application/json' });
          response.end('{"message":"Service Unavailable"}');
          return;
        }
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(text);
      })().catch(() => request.socket.destroy());
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    seen,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

// ---------------------------------------------------------------- the tests

const PY_DRIVER = `
import dataclasses, json, logging, os, sys
sys.path.insert(0, os.environ["EMITTER_DIR"])
from sentinel_emitter import SentinelEmitter, Version
logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
version = Version("gemini-2.0-flash", "2.0", os.environ["PROMPT"])
emitter = SentinelEmitter(os.environ["INGEST_URL"], max_interval_s=60, base_delay_s=0.05, max_delay_s=0.5,
                          max_attempts=int(os.environ.get("MAX_ATTEMPTS", "8")))
for i in range(int(os.environ["EVENTS"])):
    emitter.classification(id=f"py-{i}", version=version, importance="critical" if i % 10 == 0 else "routine",
                           ts=os.environ["TS"], latency_ms=400 + i % 100, cost_usd=0.001,
                           snippet=os.environ["OTP_SNIPPET"] if i == 0 else "Your parcel has shipped")
print(json.dumps([dataclasses.asdict(result) for result in emitter.close()]))
`;

interface Outcome {
  batch_id?: string;
  batchId?: string;
  events: number;
  outcome: string;
  attempts: number;
  status?: number | null;
  reason?: string | null;
  accepted: number;
}

describe('example emitters against sentinel serve', () => {
  const serving = useServe('sentinel-client-');
  let python: string | undefined;
  const bucket = async (version: Version) => {
    const [found] = await serving.store.readBuckets(seriesKey(version), MINUTE, MINUTE);
    return found;
  };
  beforeAll(async () => {
    python = await findPython();
  });

  const pythonEnv = (
    url: string,
    prompt: string,
    credentials: { accessKeyId: string; secretAccessKey: string },
  ) => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: serving.dir,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: REGION,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    PYTHONDONTWRITEBYTECODE: '1',
    NO_PROXY: '127.0.0.1',
    EMITTER_DIR,
    INGEST_URL: url,
    PROMPT: prompt,
    EVENTS: String(EVENTS),
    TS,
    OTP_SNIPPET,
  });

  /** What every client run must show: 3 batches, each retried fault under the same id and bytes, counted once. */
  async function expectExactlyOnce(version: Version, results: Outcome[], seen: Seen[]) {
    expect(seen.map((entry) => entry.signature).filter(Boolean), 'SigV4 signatures').toEqual([]);
    expect(results.map((result) => [result.events, result.outcome])).toEqual([
      [1000, 'delivered'],
      [1000, 'delivered'],
      [500, 'delivered'],
    ]);
    expect(results.map((result) => result.attempts)).toEqual([1, 2, 3]);
    const ids = [...new Set(seen.map((entry) => entry.batchId))];
    expect(ids).toHaveLength(3);
    expect(ids.map((id) => seen.filter((entry) => entry.batchId === id).length)).toEqual([1, 2, 3]);
    for (const id of ids) {
      expect(
        new Set(seen.filter((entry) => entry.batchId === id).map((entry) => entry.bodyHash)).size,
        id,
      ).toBe(1);
    }
    // the lost answer landed, and so did its retry (a no-op)
    expect(seen.filter((entry) => entry.batchId === ids[1]).map((entry) => entry.forwardedStatus)).toEqual([
      200, 200,
    ]);
    const stored = await bucket(version);
    expect(stored?.classified).toBe(EVENTS);
    expect(stored?.critical).toBe(EVENTS / 10);
    expect(stored?.otpCritical).toBe(1);
  }

  // Batch 1 clean; batch 2 lands but its answer is lost (503); batch 3 is cut, then throttled (429).
  const FAULTS: Record<number, Fault[]> = { 2: ['lose-answer'], 3: ['reset', 'throttle'] };

  /** CI installs python3-botocore and must run these; elsewhere a missing botocore skips them, saying so. */
  const needsBotocore = (context: { skip: (note?: string) => void }) => {
    if (python === undefined && process.env.CI !== 'true') context.skip(NO_BOTOCORE);
    expect(python, NO_BOTOCORE).toBeDefined();
  };

  /** A proxy to the ingest URL that checks each signature with the real secret and injects FAULTS. */
  const faultyProxy = () =>
    startProxy(serving.served.ingestUrl, serving.served.credentials.secretAccessKey, FAULTS);

  it('python emitter (botocore SigV4): 2,500 events in 3 batches, one answer lost and retried, stored exactly once', async (context) => {
    needsBotocore(context);
    const proxy = await faultyProxy();
    const version = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'py-client' };
    try {
      const { stdout } = await run(python as string, ['-c', PY_DRIVER], {
        env: pythonEnv(proxy.url, version.prompt, serving.served.credentials),
        maxBuffer: 10 * 1024 * 1024,
      });
      const results = JSON.parse(stdout) as Outcome[];
      await expectExactlyOnce(version, results, proxy.seen);
    } finally {
      await proxy.close();
    }
  });

  it('typescript emitter (@smithy/signature-v4): the same 3 batches and faults, stored exactly once', async () => {
    const proxy = await faultyProxy();
    const version = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'ts-client' };
    try {
      const emitter = new SentinelEmitter({
        ingestUrl: proxy.url,
        region: REGION,
        credentials: serving.served.credentials,
        maxIntervalMs: 60_000,
        baseDelayMs: 50,
        maxDelayMs: 500,
        logger: { warn: () => {}, error: () => {} },
      });
      for (let i = 0; i < EVENTS; i += 1) {
        emitter.classification({
          id: `ts-${i}`,
          version,
          importance: i % 10 === 0 ? 'critical' : 'routine',
          ts: TS,
          latencyMs: 400 + (i % 100),
          costUsd: 0.001,
          snippet: i === 0 ? OTP_SNIPPET : 'Your parcel has shipped',
        });
      }
      await expectExactlyOnce(version, await emitter.close(), proxy.seen);
    } finally {
      await proxy.close();
    }
  });

  it('neither emitter retries a 403 (unknown credentials): the batch is dropped once, with the reason', async (context) => {
    needsBotocore(context);
    const proxy = await startProxy(serving.served.ingestUrl, 'not-the-secret', {});
    const stranger = { accessKeyId: 'AKIASTRANGER0000000', secretAccessKey: 'not-the-secret' };
    try {
      const env = { ...pythonEnv(proxy.url, 'py-forbidden', stranger), EVENTS: '3' };
      const { stdout } = await run(python as string, ['-c', PY_DRIVER], { env });
      const [py] = JSON.parse(stdout) as Outcome[];
      expect(py).toMatchObject({ outcome: 'dropped', attempts: 1, status: 403 });
      expect(py?.reason).toMatch(/403 forbidden.*lambda:InvokeFunctionUrl/);

      const emitter = new SentinelEmitter({
        ingestUrl: proxy.url,
        region: REGION,
        credentials: stranger,
        logger: { warn: () => {}, error: () => {} },
      });
      emitter.classification({
        id: 'x',
        version: { model: 'm', modelVersion: '1', prompt: 'ts-forbidden' },
        importance: 'routine',
        ts: TS,
      });
      const [ts] = await emitter.close();
      expect(ts).toMatchObject({ outcome: 'dropped', attempts: 1, status: 403 });
      expect(proxy.seen).toHaveLength(2);
      expect(proxy.seen.map((entry) => entry.signature)).toEqual([undefined, undefined]);
    } finally {
      await proxy.close();
    }
  });
});
