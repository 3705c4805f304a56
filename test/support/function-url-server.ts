import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { functionUrlEvent, writeResult } from '../../functions/local/stack/function-urls.ts';

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
 * (the runtime serves the stack's own URLs: functions/local/stack/function-urls.ts). Requests
 * become Function-URL events (payload 2.0) and results HTTP answers, by that server's own
 * mapping (`functionUrlEvent`, `writeResult`), with the URL's path as the event's path.
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
  const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
  const event = functionUrlEvent(request, Buffer.concat(chunks), { url, path: url.pathname, apiId: 'local' });
  // The local event has every field of APIGatewayProxyEventV2 the handlers read (not `domainPrefix`).
  const result = await handler(event as APIGatewayProxyEventV2, fakeContext());
  if (typeof result === 'string') {
    answer(response, 200, { 'content-type': 'application/json' }, result);
    return;
  }
  writeResult(response, result);
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
