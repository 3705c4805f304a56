import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';

export type FunctionUrlHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

export interface IngestServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Bodies above this are cut off here; the handler applies the policy's (smaller) limit itself. */
const HARD_BODY_LIMIT = 64 * 1024 * 1024;

/**
 * Serves a Function URL handler built with injected deps over plain HTTP, for the handler tests
 * (the runtime serves the stack's own URLs: functions/local/stack/function-urls.ts).
 * Requests become Function-URL events (payload 2.0) and results become HTTP answers.
 */
export async function startIngestServer(options: {
  port: number;
  host?: string;
  handler: FunctionUrlHandler;
}): Promise<IngestServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    serve(request, response, options.handler).catch((error: unknown) => {
      // The handler's own logs hold the details; the client only learns it may retry.
      if (!response.headersSent)
        answer(response, 500, { 'content-type': 'application/json' }, '{"error":"internal error"}');
      else response.destroy(error instanceof Error ? error : undefined);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  handler: FunctionUrlHandler,
): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > HARD_BODY_LIMIT) {
      answer(
        response,
        413,
        { 'content-type': 'application/json', connection: 'close' },
        '{"error":"body too large"}',
      );
      return;
    }
    chunks.push(chunk as Buffer);
  }
  const result = await handler(toEvent(request, Buffer.concat(chunks)), fakeContext());
  if (typeof result === 'string') {
    answer(response, 200, { 'content-type': 'application/json' }, result);
    return;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  const body =
    result.body === undefined ? '' : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  answer(response, result.statusCode ?? 200, headers, body);
}

function answer(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
): void {
  response.writeHead(status, headers);
  response.end(body);
}

function toEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // Like Function URLs: text bodies arrive as text, anything else base64-encoded.
  const contentType = headers['content-type'] ?? '';
  const isText = /json|text|xml|x-www-form-urlencoded/i.test(contentType);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    isBase64Encoded: body.byteLength > 0 && !isText,
    ...(body.byteLength > 0 ? { body: body.toString(isText ? 'utf8' : 'base64') } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
  };
}

function fakeContext(): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'sentinel-ingest-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:sentinel-ingest-local',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/local/sentinel-ingest',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, 30_000 - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
