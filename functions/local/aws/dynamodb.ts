import { request as httpRequest } from 'node:http';
import type { AwsCall, CallResult } from './call.ts';
import { parseJsonBody, unknownOperation } from './call.ts';
import type { DecisionLog } from './decisions.ts';
import { AwsServiceError } from './protocol.ts';

export interface DynamoDbOptions {
  /** The dynalite endpoint (`startLocalDynamo().endpoint`) that serves what IAM allows. */
  endpoint: string;
}

interface Access {
  action: string;
  resource: string;
}

/** Operations addressed by one `TableName` (and maybe an `IndexName`). */
const SINGLE_TABLE = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'DescribeTable',
  'CreateTable',
  'DeleteTable',
  'UpdateTable',
  'DescribeTimeToLive',
  'UpdateTimeToLive',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
]);
const TRANSACT_WRITE: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** What IAM checks for one DynamoDB request: every table (and index) the request touches. */
export function dynamoDbAccesses(
  operation: string,
  input: Record<string, unknown>,
  tableArn: (t: string) => string,
): Access[] {
  const action = `dynamodb:${operation}`;
  if (SINGLE_TABLE.has(operation)) {
    const table = typeof input.TableName === 'string' ? input.TableName : undefined;
    if (!table)
      throw new AwsServiceError(
        'ValidationException',
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
      );
    const index = typeof input.IndexName === 'string' ? `/index/${input.IndexName}` : '';
    return [{ action, resource: `${tableArn(table)}${index}` }];
  }
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    const tables = Object.keys((input.RequestItems as Record<string, unknown> | undefined) ?? {});
    return tables.map((table) => ({ action, resource: tableArn(table) }));
  }
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    const items = (input.TransactItems as Record<string, { TableName?: string }>[] | undefined) ?? [];
    return items.flatMap((item) =>
      Object.entries(item).map(([kind, body]) => ({
        action:
          operation === 'TransactGetItems'
            ? 'dynamodb:GetItem'
            : (TRANSACT_WRITE[kind] ?? `dynamodb:${kind}`),
        resource: tableArn(body.TableName ?? ''),
      })),
    );
  }
  if (operation === 'ListTables' || operation === 'DescribeLimits' || operation === 'DescribeEndpoints')
    return [{ action, resource: '*' }];
  throw unknownOperation('dynamodb', operation);
}

/** Authorizes every table the request names, then forwards the raw bytes to dynalite and streams back. */
export async function handleDynamoDb(
  call: AwsCall,
  log: DecisionLog,
  options: DynamoDbOptions,
): Promise<CallResult> {
  const input = parseJsonBody(call);
  const tableArn = (table: string) => `arn:aws:dynamodb:${call.region}:${call.account}:table/${table}`;
  for (const access of dynamoDbAccesses(call.operation, input, tableArn))
    log.require({ caller: call.caller, identityStatements: call.principal.statements, ...access });
  await proxy(call, options.endpoint);
  return 'answered';
}

function proxy(call: AwsCall, endpoint: string): Promise<void> {
  const target = new URL(call.request.url ?? '/', endpoint);
  return new Promise<void>((resolve, reject) => {
    const upstream = httpRequest(
      target,
      { method: call.request.method, headers: { ...call.request.headers, host: target.host } },
      (answer) => {
        call.response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(call.response);
        answer.on('end', resolve);
        answer.on('error', reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(call.body);
  });
}
