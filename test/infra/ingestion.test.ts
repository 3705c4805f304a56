import { Match, Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { type Resource, synthTemplate, TEST_REPOSITORY } from './synth.ts';

const CLASSIFIER_ROLE = 'arn:aws:iam::111122223333:role/shopq-classifier';

function ingestFunctionId(template: Template): string {
  const ids = Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) =>
    id.startsWith('IngestionIngestFunction'),
  );
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

describe('calling the ingest Function URL', () => {
  it('grantInvokeUrl grants both actions a Function URL caller needs: InvokeFunctionUrl (AWS_IAM only) and InvokeFunction (via the URL only)', () => {
    const { stack } = buildApp({ bundle: false, context: { repository: TEST_REPOSITORY } });
    const caller = new Role(stack, 'Caller', { assumedBy: new AccountRootPrincipal() });
    stack.ingestion.grantInvokeUrl(caller);
    const template = Template.fromStack(stack);
    const fn = { 'Fn::GetAtt': [ingestFunctionId(template), 'Arn'] };
    const policies = Object.values(
      template.findResources('AWS::IAM::Policy') as Record<string, Resource>,
    ).filter((policy) => JSON.stringify(policy.Properties.Roles).includes('Caller'));
    const statements = policies.flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
    );
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          Effect: 'Allow',
          Action: 'lambda:InvokeFunctionUrl',
          Resource: fn,
          Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } },
        },
        {
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: fn,
          Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': true } },
        },
      ]),
    );
    expect(statements).toHaveLength(2);
  });

  it('grants nobody by default (the URL is AWS_IAM: callers need a grant)', () => {
    const template = synthTemplate();
    const fn = ingestFunctionId(template);
    const permissions = Object.values(
      template.findResources('AWS::Lambda::Permission') as Record<string, Resource>,
    );
    expect(permissions.filter((p) => JSON.stringify(p.Properties.FunctionName).includes(fn))).toEqual([]);
  });

  it('-c classifierRoleArn lets the classifier role call the URL (function resource policy, both actions)', () => {
    const template = synthTemplate({ context: { classifierRoleArn: CLASSIFIER_ROLE } });
    const fn = { 'Fn::GetAtt': [ingestFunctionId(template), 'Arn'] };
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionName: fn,
      Principal: CLASSIFIER_ROLE,
      FunctionUrlAuthType: 'AWS_IAM',
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: fn,
      Principal: CLASSIFIER_ROLE,
      InvokedViaFunctionUrl: true,
    });
    // The stack does not edit a role it does not own.
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: Match.arrayWith(['shopq-classifier']) },
    });
    expect(policies).toEqual({});
  });

  it('refuses a classifierRoleArn that is not an IAM role ARN', () => {
    expect(() => synthTemplate({ context: { classifierRoleArn: 'shopq-classifier' } })).toThrow(
      /classifierRoleArn.*arn:aws:iam::<account>:role\//,
    );
  });
});

describe('ingest wakes the dispatcher (P0 in seconds)', () => {
  it('names the dispatcher in its environment and may invoke exactly that function, no version wildcard', () => {
    const template = synthTemplate();
    const functions = template.findResources('AWS::Lambda::Function');
    const [ingestId, ingest] =
      Object.entries(functions).find(([id]) => id.startsWith('IngestionIngestFunction')) ?? [];
    const [dispatcherId] = Object.keys(functions).filter((id) =>
      id.startsWith('DispatcherDispatcherFunction'),
    );
    expect(ingest?.Properties.Environment.Variables.DISPATCHER_FUNCTION_NAME).toEqual({ Ref: dispatcherId });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes('IngestionIngestFunctionRole'),
    );
    const invoke = policies
      .flatMap(
        (policy) => policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[],
      )
      .filter((statement) => JSON.stringify(statement.Action).includes('lambda:InvokeFunction'));
    expect(invoke).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [dispatcherId, 'Arn'] },
      }),
    ]);
    expect(ingestId).toBeDefined();
  });
});
