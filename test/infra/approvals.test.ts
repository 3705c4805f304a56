import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Resource, synthTemplate } from './synth.ts';

let template: Template;
let lambdas: Record<string, Resource>;
let policies: Record<string, Resource>;

beforeAll(() => {
  template = synthTemplate();
  lambdas = template.findResources('AWS::Lambda::Function') as Record<string, Resource>;
  policies = template.findResources('AWS::IAM::Policy') as Record<string, Resource>;
});

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

function lambdaId(prefix: string): string {
  const ids = Object.keys(lambdas).filter((id) => id.startsWith(prefix));
  expect(ids, prefix).toHaveLength(1);
  return ids[0] as string;
}

function lambda(id: string): Resource {
  const fn = lambdas[id];
  if (!fn) throw new Error(`no Lambda ${id}`);
  return fn;
}

function statementsOf(functionId: string): Statement[] {
  const role = (lambda(functionId).Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(policies)
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === role))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const signingKeyId = () => {
  const ids = Object.keys(template.findResources('AWS::SecretsManager::Secret')).filter((id) =>
    id.startsWith('ApprovalsSigningKey'),
  );
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};

describe('approval endpoint', () => {
  it('is a Function URL with auth NONE on the approval Lambda (links are signed instead)', () => {
    const fn = lambdaId('ApprovalsApprovalFunction');
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [fn, 'Arn'] },
    });
    const env = (lambda(fn).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.APPROVAL_SIGNING_SECRET_ARN).toEqual({ Ref: signingKeyId() });
  });

  it('reserves no concurrency by default (a small account quota would fail the deploy), only when asked', () => {
    expect(
      lambda(lambdaId('ApprovalsApprovalFunction')).Properties.ReservedConcurrentExecutions,
    ).toBeUndefined();
    expect(() => synthTemplate({ context: { approvalReservedConcurrency: 'five' } })).toThrow(/whole number/);
    const capped = synthTemplate({ context: { approvalReservedConcurrency: '5' } });
    capped.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Signed approval links'),
      ReservedConcurrentExecutions: 5,
    });
    expect(
      Object.values(capped.findResources('AWS::Lambda::Function') as Record<string, Resource>).filter(
        (fn) => fn.Properties.ReservedConcurrentExecutions !== undefined,
      ),
    ).toHaveLength(1);
  });

  it('grants the approval Lambda exactly: its table items (get, put), its key, SendTaskSuccess on the state machine', () => {
    const statements = statementsOf(lambdaId('ApprovalsApprovalFunction'));
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'secretsmanager:GetSecretValue',
        'states:SendTaskSuccess',
      ]),
    );
    for (const forbidden of [
      'states:StartExecution',
      'states:SendTaskFailure',
      'states:*',
      'sns:Publish',
      'secretsmanager:*',
      'dynamodb:*',
    ])
      expect(actions).not.toContain(forbidden);
    const callback = statements.find((s) => [s.Action].flat().includes('states:SendTaskSuccess'));
    const machines = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(callback?.Resource).toEqual({ Ref: machines[0] });
    const secret = statements.find((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(secret?.Resource).toEqual({ Ref: signingKeyId() });
  });

  it('lets only the approval Lambda and the request-approval step read the signing key', () => {
    const readers = Object.keys(lambdas).filter((id) =>
      statementsOf(id).some((s) => JSON.stringify(s.Resource) === JSON.stringify({ Ref: signingKeyId() })),
    );
    expect(readers.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'ApprovalsApprovalFunction',
      'WorkflowRequestApprovalFunction',
    ]);
    const request = lambdaId('WorkflowRequestApprovalFunction');
    const env = (lambda(request).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.stringify(env.APPROVAL_URL)).toContain('ApprovalsApprovalFunctionFunctionUrl');
  });
});
