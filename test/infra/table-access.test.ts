import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_ACCESS, type TableUser } from '../../lib/table-access.ts';
import { WORKFLOW_STEPS } from '../../lib/workflow/definition.ts';
import { type Resource, synthTemplate } from './synth.ts';

let template: Template;
let lambdas: Record<string, Resource>;

beforeAll(() => {
  template = synthTemplate();
  lambdas = template.findResources('AWS::Lambda::Function') as Record<string, Resource>;
});

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const pascal = (step: string) =>
  step
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

/** Logical-id prefix of each table user's Lambda. */
const PREFIXES: Record<TableUser, string> = {
  ingest: 'IngestionIngestFunction',
  evaluator: 'TriggersEvaluatorFunction',
  dispatcher: 'DispatcherDispatcherFunction',
  approval: 'ApprovalsApprovalFunction',
  ...(Object.fromEntries(WORKFLOW_STEPS.map((step) => [step, `Workflow${pascal(step)}Function`])) as Record<
    (typeof WORKFLOW_STEPS)[number],
    string
  >),
};

function statementsOf(prefix: string): Statement[] {
  const ids = Object.keys(lambdas).filter((id) => id.startsWith(prefix));
  expect(ids, prefix).toHaveLength(1);
  const fn = lambdas[ids[0] as string] as Resource;
  const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, Resource>;
  return Object.values(policies)
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === role))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actionsOf = (prefix: string, service: string) =>
  statementsOf(prefix)
    .flatMap((statement) => [statement.Action].flat())
    .filter((action) => action.startsWith(`${service}:`))
    .sort();

describe('table access (lib/table-access.ts)', () => {
  it('lists every Lambda of the stack', () => {
    expect(Object.keys(TABLE_ACCESS).sort()).toEqual(Object.keys(PREFIXES).sort());
    expect(Object.keys(lambdas)).toHaveLength(Object.keys(PREFIXES).length);
  });

  it.each(Object.keys(PREFIXES) as TableUser[])('%s holds exactly its listed DynamoDB actions', (user) => {
    expect(actionsOf(PREFIXES[user], 'dynamodb')).toEqual([...TABLE_ACCESS[user]].sort());
  });

  it('lets nothing scan, batch-write, batch-read, transact or read a stream (none of the code does)', () => {
    const never = [
      'dynamodb:Scan',
      'dynamodb:BatchWriteItem',
      'dynamodb:BatchGetItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:DescribeTable',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:DescribeStream',
      'dynamodb:ListStreams',
    ];
    for (const [user, prefix] of Object.entries(PREFIXES)) {
      for (const action of never) {
        expect(TABLE_ACCESS[user as TableUser], user).not.toContain(action);
        expect(actionsOf(prefix, 'dynamodb'), `${user} ${action}`).not.toContain(action);
      }
    }
  });

  it('lets the approval Lambda only SendTaskSuccess (a rejection is SendTaskSuccess with approved: false)', () => {
    expect(actionsOf(PREFIXES.approval, 'states')).toEqual(['states:SendTaskSuccess']);
  });
});
