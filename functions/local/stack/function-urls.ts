/**
 * Lambda Function URLs on 127.0.0.1: `http://127.0.0.1:PORT/<url logical id>/…` turns an HTTP
 * request into the payload-2.0 event a Function URL delivers, invokes the function and writes
 * its answer back. Authorization as AWS does it: `AWS_IAM` needs a SigV4 caller whose identity
 * policy allows both `lambda:InvokeFunctionUrl` (with `lambda:FunctionUrlAuthType`) and
 * `lambda:InvokeFunction`; `NONE` needs the function's resource policy to allow anyone.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorize, type Statement } from '../aws/iam.ts';
import { signingScope } from '../aws/principals.ts';

export interface FunctionUrlTarget {
  readonly urlLogicalId: string;
  readonly functionArn: string;
  readonly authType: string;
  /** The function's resource policy (AWS::Lambda::Permission), as statements. */
  readonly resourceStatements: Statement[];
}

export interface UrlCaller {
  readonly accessKeyId: string;
  readonly name: string;
  readonly roleArn: string;
  readonly statements: readonly Statement[];
}

export interface FunctionUrlServerOptions {
  invoke(functionArn: string, event: unknown): Promise<unknown>;
  caller(accessKeyId: string): UrlCaller | undefined;
  onDenied?(message: string): void;
}

export class FunctionUrlServer {
  private readonly server: Server;
  private readonly targets = new Map<string, FunctionUrlTarget>();
  private baseValue = '';

  constructor(private readonly options: FunctionUrlServerOptions) {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ Message: (error as Error).message }));
      });
    });
  }

  get base(): string {
    return this.baseValue;
  }

  /** Listens on 127.0.0.1 (`port` 0: any free port). */
  async start(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.baseValue = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  add(target: FunctionUrlTarget): void {
    this.targets.set(target.urlLogicalId, target);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.baseValue);
    const [, urlId, ...rest] = url.pathname.split('/');
    const target = this.targets.get(urlId ?? '');
    if (!target) return forbidden(response, 'Forbidden');
    const denied = this.authorizeRequest(target, request, url);
    if (denied) {
      this.options.onDenied?.(denied);
      return forbidden(response, denied);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const event = functionUrlEvent(request, body, {
      url,
      path: `/${rest.join('/')}`,
      apiId: target.urlLogicalId,
    });
    let result: unknown;
    try {
      result = await this.options.invoke(target.functionArn, event);
    } catch {
      // A function error reaches the caller as Lambda's 502, never its message or stack.
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ Message: 'Internal Server Error' }));
      return;
    }
    writeResult(response, result);
  }

  /** A reason to refuse, or undefined when the caller may invoke. */
  private authorizeRequest(
    target: FunctionUrlTarget,
    request: IncomingMessage,
    url: URL,
  ): string | undefined {
    const context = { 'lambda:FunctionUrlAuthType': target.authType };
    if (target.authType === 'NONE') {
      const anyone = { kind: 'service' as const, service: '*' };
      for (const action of ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction']) {
        const decision = authorize({
          caller: anyone,
          action,
          resource: target.functionArn,
          resourceStatements: target.resourceStatements,
          context: { ...context, 'lambda:InvokedViaFunctionUrl': 'true' },
        });
        if (!decision.allowed)
          return `Forbidden: the resource policy of ${target.functionArn} does not allow ${action} for anyone`;
      }
      return undefined;
    }
    const scope = signingScope(request.headers.authorization, url);
    const caller = scope ? this.options.caller(scope.accessKeyId) : undefined;
    if (!caller) return 'Forbidden: the request is not signed (the URL uses AWS_IAM auth)';
    for (const action of ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction']) {
      const decision = authorize({
        caller: { kind: 'role', roleArn: caller.roleArn, sessionName: caller.name },
        action,
        resource: target.functionArn,
        identityStatements: caller.statements,
        resourceStatements: target.resourceStatements,
        context,
      });
      if (!decision.allowed) {
        return `Forbidden: ${caller.name} is not authorized to perform: ${action} on resource: ${target.functionArn} ${decision.reason}`;
      }
    }
    return undefined;
  }
}

/**
 * The payload-2.0 event a Function URL delivers for `request`: `path` is the path below the URL
 * (the local server takes the URL's id off the front), `apiId` the URL's id. Text bodies
 * (JSON, text, XML, forms; a request without a content type counts as text) arrive as text,
 * anything else base64-encoded. Unlike AWS, `requestContext` has no `domainPrefix`.
 */
export function functionUrlEvent(
  request: IncomingMessage,
  body: Buffer,
  where: { readonly url: URL; readonly path: string; readonly apiId: string },
) {
  const { url, path } = where;
  const textual = /json|text|x-www-form-urlencoded|xml/.test(
    String(request.headers['content-type'] ?? 'text'),
  );
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: url.search.slice(1),
    headers: Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(',') : String(value),
      ]),
    ),
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    requestContext: {
      accountId: 'anonymous',
      apiId: where.apiId,
      domainName: url.host,
      http: {
        method: request.method ?? 'GET',
        path,
        protocol: 'HTTP/1.1',
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: String(request.headers['user-agent'] ?? ''),
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length === 0 ? undefined : textual ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

function forbidden(response: ServerResponse, message: string): void {
  response.writeHead(403, {
    'content-type': 'application/json',
    'x-amzn-errortype': 'AccessDeniedException',
  });
  response.end(JSON.stringify({ Message: message }));
}

/** Function URL response mapping: a `{statusCode, …}` object is used as is; anything else is JSON. */
export function writeResult(response: ServerResponse, result: unknown): void {
  const shaped = result as {
    statusCode?: number;
    headers?: Record<string, string>;
    body?: string;
    isBase64Encoded?: boolean;
  } | null;
  if (shaped && typeof shaped === 'object' && typeof shaped.statusCode === 'number') {
    response.writeHead(shaped.statusCode, shaped.headers ?? {});
    response.end(
      shaped.body === undefined ? '' : Buffer.from(shaped.body, shaped.isBase64Encoded ? 'base64' : 'utf8'),
    );
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(result));
}
