import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from './iam.ts';
import type { RegisteredPrincipal } from './principals.ts';
import { AwsServiceError } from './protocol.ts';

/** One authenticated request, as every service handler receives it. */
export interface AwsCall {
  /** The signing name: `dynamodb`, `sns`, `monitoring`, `states`, `secretsmanager`. */
  service: string;
  /** `X-Amz-Target` operation, or the query `Action`. */
  operation: string;
  region: string;
  account: string;
  principal: RegisteredPrincipal;
  caller: Caller;
  requestId: string;
  body: Buffer;
  request: IncomingMessage;
  response: ServerResponse;
}

/** What a handler produced: a JSON or XML body for the gateway to send, or an answer it sent itself. */
export type CallResult = { json: unknown } | { xml: string } | 'answered';

export function unknownOperation(service: string, operation: string): AwsServiceError {
  return new AwsServiceError(
    'UnknownOperationException',
    `The local AWS gateway has no stand-in for ${service}:${operation || '(no operation)'}`,
  );
}

export function parseJsonBody(call: AwsCall): Record<string, unknown> {
  if (call.body.byteLength === 0) return {};
  try {
    const parsed: unknown = JSON.parse(call.body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new AwsServiceError('SerializationException', 'The request body is not a JSON object');
}

export function requiredString(
  input: Record<string, unknown>,
  field: string,
  code = 'ValidationException',
): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '')
    throw new AwsServiceError(
      code,
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  return value;
}
