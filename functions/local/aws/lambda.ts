/**
 * Lambda `Invoke` (REST-JSON: `POST /2015-03-31/functions/{name}/invocations`): the caller's role
 * must allow `lambda:InvokeFunction` on the function; `X-Amz-Invocation-Type: Event` answers 202
 * at once and runs the function in the background, as Lambda's asynchronous invocation does.
 */
import type { AwsCall, CallResult } from './call.ts';
import { unknownOperation } from './call.ts';
import type { DecisionLog } from './decisions.ts';
import { AwsServiceError } from './protocol.ts';

export interface LambdaInvokeOptions {
  /** Runs a function of the stack by ARN or name; rejects for an unknown one. */
  invoke(functionArnOrName: string, event: unknown): Promise<unknown>;
  /** The ARN of a function by name or ARN, or undefined when the stack has none by that name. */
  functionArn(nameOrArn: string): string | undefined;
  /** A background invocation failed (Lambda would retry twice, then drop or send to a DLQ). */
  onAsyncError?(functionArn: string, error: unknown): void;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export async function handleLambda(
  call: AwsCall,
  log: DecisionLog,
  options: LambdaInvokeOptions,
): Promise<CallResult> {
  const url = new URL(call.request.url ?? '/', 'http://127.0.0.1');
  const match = INVOKE_PATH.exec(url.pathname);
  if (call.request.method !== 'POST' || !match)
    throw unknownOperation('lambda', `${call.request.method} ${url.pathname}`);
  const name = decodeURIComponent(match[1] ?? '');
  const functionArn = options.functionArn(name);
  if (!functionArn) {
    throw new AwsServiceError('ResourceNotFoundException', `Function not found: ${name}`, 404);
  }
  log.require(
    {
      caller: call.caller,
      action: 'lambda:InvokeFunction',
      resource: functionArn,
      identityStatements: call.principal.statements,
    },
    'AccessDeniedException',
    403,
  );
  const event: unknown = call.body.length === 0 ? {} : JSON.parse(call.body.toString('utf8'));
  const asynchronous = String(call.request.headers['x-amz-invocation-type'] ?? '') === 'Event';
  if (asynchronous) {
    void options
      .invoke(functionArn, event)
      .catch((error: unknown) => options.onAsyncError?.(functionArn, error));
    call.response.writeHead(202, { 'x-amzn-requestid': call.requestId });
    call.response.end();
    return 'answered';
  }
  try {
    const result = await options.invoke(functionArn, event);
    call.response.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': call.requestId });
    call.response.end(JSON.stringify(result ?? null));
  } catch (error) {
    // An unhandled function error is still a 200 with X-Amz-Function-Error, as Lambda answers.
    const failure = error as { name?: string; message?: string };
    call.response.writeHead(200, {
      'content-type': 'application/json',
      'x-amzn-requestid': call.requestId,
      'x-amz-function-error': 'Unhandled',
    });
    call.response.end(
      JSON.stringify({ errorType: failure.name ?? 'Error', errorMessage: failure.message ?? '' }),
    );
  }
  return 'answered';
}
