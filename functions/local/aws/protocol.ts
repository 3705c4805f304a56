import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** The wire protocols of the services the gateway stands in for. */
export type Protocol = 'json1.0' | 'json1.1' | 'query';

/** An error answered the way the real service answers it, so the SDK throws its named exception. */
export class AwsServiceError extends Error {
  override readonly name = 'AwsServiceError';
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly fault: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

export const newRequestId = (): string => randomUUID();

const CONTENT_TYPES: Record<Exclude<Protocol, 'query'>, string> = {
  'json1.0': 'application/x-amz-json-1.0',
  'json1.1': 'application/x-amz-json-1.1',
};

export function answerJson(
  response: ServerResponse,
  protocol: Exclude<Protocol, 'query'>,
  requestId: string,
  body: unknown,
): void {
  const text = JSON.stringify(body ?? {});
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[protocol],
    'x-amzn-requestid': requestId,
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

export function answerXml(response: ServerResponse, requestId: string, xml: string): void {
  response.writeHead(200, {
    'content-type': 'text/xml',
    'x-amzn-requestid': requestId,
    'content-length': Buffer.byteLength(xml),
  });
  response.end(xml);
}

export function answerError(
  response: ServerResponse,
  protocol: Protocol,
  requestId: string,
  error: AwsServiceError,
): void {
  if (protocol === 'query') {
    const xml =
      `<ErrorResponse><Error><Type>${error.fault}</Type><Code>${escapeXml(error.code)}</Code>` +
      `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    response.writeHead(error.status, {
      'content-type': 'text/xml',
      'x-amzn-requestid': requestId,
      'content-length': Buffer.byteLength(xml),
    });
    response.end(xml);
    return;
  }
  const text = JSON.stringify({ __type: error.code, message: error.message });
  response.writeHead(error.status, {
    'content-type': CONTENT_TYPES[protocol],
    'x-amzn-errortype': error.code,
    'x-amzn-requestid': requestId,
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Epoch seconds, as the JSON protocols carry timestamps. */
export const epochSeconds = (date: Date | number): number =>
  (typeof date === 'number' ? date : date.getTime()) / 1000;
