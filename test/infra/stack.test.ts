import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Resource, synthTemplate } from './synth.ts';

let template: Template;
let lambdas: Record<string, Resource>;

beforeAll(() => {
  template = synthTemplate();
  lambdas = template.findResources('AWS::Lambda::Function') as Record<string, Resource>;
});

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The logical id of the one Lambda whose id starts with `prefix` (e.g. `WorkflowRevertCommitFunction`). */
function lambdaId(prefix: string): string {
  const ids = Object.keys(lambdas).filter((id) => id.startsWith(prefix));
  expect(ids, prefix).toHaveLength(1);
  return ids[0] as string;
}

/** Every statement of every inline policy attached to the Lambda's role. */
function statementsOf(functionId: string): Statement[] {
  const fn = lambdas[functionId];
  if (!fn) throw new Error(`no Lambda ${functionId}`);
  const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, Resource>;
  return Object.values(policies)
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === role))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actionsOf = (functionId: string) =>
  statementsOf(functionId).flatMap((statement) => [statement.Action].flat());

/** Logical ids of the Lambdas allowed `action`. */
function lambdasAllowed(action: string): string[] {
  return Object.keys(lambdas)
    .filter((id) => actionsOf(id).includes(action))
    .sort();
}

const prefixes = (ids: string[]) => ids.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort();

describe('metrics store table', () => {
  it('is on-demand, recoverable, expiring and encrypted, with string keys pk/sk', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });
});

describe('Lambda functions', () => {
  it('are the 14 expected functions', () => {
    expect(prefixes(Object.keys(lambdas))).toEqual(
      [
        'ApprovalsApprovalFunction',
        'DispatcherDispatcherFunction',
        'IngestionIngestFunction',
        'TriggersEvaluatorFunction',
        ...[
          'CaptureState',
          'CheckDeploy',
          'ChooseTarget',
          'Complete',
          'ConfirmTrigger',
          'Escalate',
          'NotifyStart',
          'RequestApproval',
          'RevertCommit',
          'Verify',
        ].map((step) => `Workflow${step}Function`),
      ].sort(),
    );
  });

  it('all run Node.js 24 on arm64 with active tracing, their own log group and Powertools env', () => {
    for (const [id, fn] of Object.entries(lambdas)) {
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/Logs/) } },
        Environment: {
          Variables: expect.objectContaining({
            POWERTOOLS_SERVICE_NAME: 'rollback-sentinel',
            NODE_OPTIONS: '--enable-source-maps',
          }),
        },
      });
    }
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup') as Record<string, Resource>);
    expect(groups.length).toBe(Object.keys(lambdas).length + 1); // + the state machine's
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
  });

  it('never use an AWS managed policy (each role writes only to its own log group)', () => {
    const roles = template.findResources('AWS::IAM::Role') as Record<string, Resource>;
    for (const [id, role] of Object.entries(roles))
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
  });
});

describe('least privilege', () => {
  it('lets only the repository steps (choose target, revert, deploy check) read the GitHub token, and puts only its ARN in env', () => {
    // The approval link key (a secret of its own) is covered in approvals.test.ts.
    const readsGithubToken = lambdasAllowed('secretsmanager:GetSecretValue').filter((id) =>
      statementsOf(id).some(
        (s) =>
          [s.Action].flat().includes('secretsmanager:GetSecretValue') &&
          JSON.stringify(s.Resource).includes('rollback-sentinel/github-token'),
      ),
    );
    expect(prefixes(readsGithubToken).sort()).toEqual([
      'WorkflowCheckDeployFunction',
      'WorkflowChooseTargetFunction',
      'WorkflowRevertCommitFunction',
    ]);
    const repositorySteps = [
      lambdaId('WorkflowChooseTargetFunction'),
      lambdaId('WorkflowRevertCommitFunction'),
      lambdaId('WorkflowCheckDeployFunction'),
    ];
    for (const step of repositorySteps) {
      const secretStatement = statementsOf(step).find((s) =>
        [s.Action].flat().includes('secretsmanager:GetSecretValue'),
      );
      expect(JSON.stringify(secretStatement?.Resource)).toContain(
        ':secret:rollback-sentinel/github-token-??????',
      );
    }
    for (const [id, fn] of Object.entries(lambdas)) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      // APPROVAL_SIGNING_SECRET_ARN names the approval link key, checked in approvals.test.ts.
      const tokenish = Object.keys(variables).filter(
        (name) => /TOKEN|SECRET/.test(name) && name !== 'APPROVAL_SIGNING_SECRET_ARN',
      );
      expect(tokenish, id).toEqual(repositorySteps.includes(id) ? ['GITHUB_TOKEN_SECRET_ARN'] : []);
      expect(JSON.stringify(variables), id).not.toContain('resolve:secretsmanager');
    }
  });

  it('lets only the dispatcher and the evaluator start the workflow', () => {
    expect(prefixes(lambdasAllowed('states:StartExecution'))).toEqual([
      'DispatcherDispatcherFunction',
      'TriggersEvaluatorFunction',
    ]);
  });

  it('lets only ingestion and the evaluator put metrics, and only in the RollbackSentinel namespace', () => {
    const allowed = lambdasAllowed('cloudwatch:PutMetricData');
    expect(prefixes(allowed)).toEqual(['IngestionIngestFunction', 'TriggersEvaluatorFunction']);
    for (const id of allowed) {
      const statement = statementsOf(id).find((s) => [s.Action].flat().includes('cloudwatch:PutMetricData'));
      expect(statement?.Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'RollbackSentinel' } });
    }
  });

  it('lets only the notifying Lambdas publish, with exactly the KMS actions SNS needs', () => {
    const publishers = lambdasAllowed('sns:Publish');
    expect(prefixes(publishers)).toEqual(
      [
        'DispatcherDispatcherFunction',
        'TriggersEvaluatorFunction',
        'WorkflowCompleteFunction',
        'WorkflowEscalateFunction',
        'WorkflowNotifyStartFunction',
        'WorkflowRequestApprovalFunction',
      ].sort(),
    );
    for (const id of Object.keys(lambdas)) {
      const kms = actionsOf(id).filter((action) => action.startsWith('kms:'));
      expect(kms.sort(), id).toEqual(publishers.includes(id) ? ['kms:Decrypt', 'kms:GenerateDataKey'] : []);
    }
  });

  it('gives the topic ARNs only to the Lambdas that publish (each function gets only the env its code reads)', () => {
    const publishers = lambdasAllowed('sns:Publish');
    for (const [id, fn] of Object.entries(lambdas)) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const topics = Object.keys(variables).filter((name) => name.endsWith('_TOPIC_ARN'));
      expect(topics.sort(), id).toEqual(
        publishers.includes(id) ? ['ALERTS_TOPIC_ARN', 'PAGES_TOPIC_ARN'] : [],
      );
    }
  });

  it('scopes table access to the table itself, never a wildcard', () => {
    const [tableId] = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    for (const id of Object.keys(lambdas)) {
      for (const statement of statementsOf(id)) {
        const actions = [statement.Action].flat();
        if (!actions.some((action) => action.startsWith('dynamodb:'))) continue;
        expect([statement.Resource].flat(), id).toEqual([{ 'Fn::GetAtt': [tableId, 'Arn'] }]);
        expect(actions, id).not.toContain('dynamodb:*');
      }
    }
    expect(actionsOf(lambdaId('IngestionIngestFunction'))).toContain('dynamodb:UpdateItem');
  });
});

describe('ingestion', () => {
  it('is a Function URL with IAM auth on the ingest Lambda', () => {
    // The other Function URL is the approval endpoint (approvals.test.ts).
    template.resourceCountIs('AWS::Lambda::Url', 2);
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      TargetFunctionArn: { 'Fn::GetAtt': [lambdaId('IngestionIngestFunction'), 'Arn'] },
    });
  });
});

describe('triggers', () => {
  it('runs the evaluator every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [lambdaId('TriggersEvaluatorFunction'), 'Arn'] } })],
    });
  });

  it('alarms on any OTP in critical within one minute, and pages', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'RollbackSentinel',
      MetricName: 'OtpInCritical',
      Statistic: 'Sum',
      Period: 60,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^NotificationsPages') }],
    });
  });

  it('routes both alarms entering ALARM to the dispatcher', () => {
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).sort();
    expect(alarmIds).toHaveLength(2);
    const rules = Object.values(
      template.findResources('AWS::Events::Rule') as Record<string, Resource>,
    ).filter(
      (rule) =>
        (rule.Properties.EventPattern as { source?: string[] } | undefined)?.source?.[0] === 'aws.cloudwatch',
    );
    expect(rules).toHaveLength(1);
    const rule = rules[0] as Resource;
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      resources: expect.arrayContaining(alarmIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }))),
      detail: { state: { value: ['ALARM'] } },
    });
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [lambdaId('DispatcherDispatcherFunction'), 'Arn'] } }),
    ]);
  });
});

describe('notifications', () => {
  it('has alerts and pages topics encrypted with a rotating customer-managed key', () => {
    const keys = template.findResources('AWS::KMS::Key') as Record<string, Resource>;
    const [keyId, key] = Object.entries(keys)[0] as [string, Resource];
    expect(Object.keys(keys)).toHaveLength(1);
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const topics = Object.entries(template.findResources('AWS::SNS::Topic') as Record<string, Resource>);
    expect(topics.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'NotificationsAlerts',
      'NotificationsPages',
    ]);
    for (const [, topic] of topics)
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  it('lets CloudWatch and EventBridge use the key to publish', () => {
    const key = Object.values(
      template.findResources('AWS::KMS::Key') as Record<string, Resource>,
    )[0] as Resource;
    const statements = (key.Properties.KeyPolicy as { Statement: (Statement & { Principal: unknown })[] })
      .Statement;
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      const statement = statements.find(
        (s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: service }),
      );
      expect(statement, service).toMatchObject({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      });
    }
  });

  it("lets CloudWatch publish each alarm's action to its topic, scoped to that alarm in this account", () => {
    const alarms = Object.entries(
      template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>,
    );
    const policies = Object.values(
      template.findResources('AWS::SNS::TopicPolicy') as Record<string, Resource>,
    );
    expect(alarms).toHaveLength(2);
    for (const [alarmId, alarm] of alarms) {
      const actions = alarm.Properties.AlarmActions as { Ref: string }[];
      expect(actions, alarmId).toHaveLength(1);
      const topicRef = actions[0] as { Ref: string };
      // An explicit topic policy replaces the default one: without this statement the action is dropped.
      const policy = policies.find((candidate) =>
        (candidate.Properties.Topics as { Ref: string }[]).some((ref) => ref.Ref === topicRef.Ref),
      );
      expect(policy, `${alarmId}: a policy on ${topicRef.Ref}`).toBeDefined();
      const statements = (
        (policy as Resource).Properties.PolicyDocument as {
          Statement: (Statement & { Principal: unknown })[];
        }
      ).Statement;
      const fromCloudWatch = statements.filter(
        (s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }),
      );
      expect(fromCloudWatch, alarmId).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'sns:Publish',
          Resource: topicRef,
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [alarmId, 'Arn'] } },
          },
        }),
      );
      for (const statement of fromCloudWatch) expect(statement.Condition, alarmId).toBeDefined();
    }
  });

  it('subscribes email and pager only when the context names them', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const subscribed = synthTemplate({
      context: { alertEmail: 'oncall@example.com', pagerEndpoint: 'https://events.pagerduty.com/x' },
    });
    subscribed.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('^NotificationsAlerts') },
    });
    subscribed.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://events.pagerduty.com/x',
      TopicArn: { Ref: Match.stringLikeRegexp('^NotificationsPages') },
    });
  });

  it('refuses a pager endpoint that is not https and an address that is not an email', () => {
    expect(() => synthTemplate({ context: { pagerEndpoint: 'http://pager.example.com' } })).toThrow(/https/);
    expect(() => synthTemplate({ context: { alertEmail: 'oncall' } })).toThrow(/email/);
  });

  it('pages when a rollback execution ends without a completed escalation: timed out, aborted, or FAILED other than by Escalated', () => {
    const [machineId] = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
    const rules = Object.values(
      template.findResources('AWS::Events::Rule') as Record<string, Resource>,
    ).filter(
      (rule) =>
        (rule.Properties.EventPattern as { source?: string[] } | undefined)?.source?.[0] === 'aws.states',
    );
    expect(rules).toHaveLength(1);
    const rule = rules[0] as Resource;
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { Ref: expect.stringMatching(/^NotificationsPages/) } }),
    ]);
    const pattern = rule.Properties.EventPattern as Record<string, unknown>;
    const event = (status: string, error: string | null) => ({
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: { stateMachineArn: { Ref: machineId }, name: 'inc-1', status, error, cause: null },
    });
    const pages = (status: string, error: string | null) => matchesPattern(pattern, event(status, error));
    expect(pages('TIMED_OUT', null)).toBe(true);
    expect(pages('ABORTED', null)).toBe(true);
    // Escalate itself failed (its Lambda threw, or its retries ran out): nobody was paged yet.
    expect(pages('FAILED', 'Lambda.Unknown')).toBe(true);
    expect(pages('FAILED', 'ServiceUnavailable')).toBe(true);
    expect(pages('FAILED', 'States.Runtime')).toBe(true);
    expect(pages('FAILED', null)).toBe(true);
    // Escalate ran and paged; the execution then ends in the Escalated Fail state: no second page.
    expect(pages('FAILED', 'RollbackEscalated')).toBe(false);
    expect(pages('SUCCEEDED', null)).toBe(false);
    expect(pages('RUNNING', null)).toBe(false);

    const message = JSON.stringify(rule.Properties.Targets);
    expect(message).toContain('FAILED');
    expect(message).toMatch(/Escalate never ran or failed itself/);
  });
});

/**
 * EventBridge pattern matching for the subset the stack's rules use: arrays of literal values
 * (null included), `anything-but` and `$or`; a field the pattern names must match.
 */
function matchesPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or')
      return (expected as Record<string, unknown>[]).some((branch) => matchesPattern(branch, event));
    const actual =
      event !== null && typeof event === 'object' ? (event as Record<string, unknown>)[key] : undefined;
    if (!Array.isArray(expected)) return matchesPattern(expected as Record<string, unknown>, actual);
    return expected.some((matcher) => {
      if (matcher !== null && typeof matcher === 'object' && !('Ref' in matcher)) {
        const but = (matcher as { 'anything-but'?: unknown })['anything-but'];
        if (but === undefined) throw new Error(`unsupported matcher ${JSON.stringify(matcher)}`);
        return actual !== undefined && actual !== null && ![but].flat().includes(actual);
      }
      return JSON.stringify(matcher) === JSON.stringify(actual);
    });
  });
}

describe('workflow and dashboard', () => {
  it('is a Standard state machine with full logging and tracing', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
    });
  });

  it('draws the trigger values against the policy thresholds', () => {
    const dashboards = Object.values(
      template.findResources('AWS::CloudWatch::Dashboard') as Record<string, Resource>,
    );
    expect(dashboards).toHaveLength(1);
    const dashboard = dashboards[0] as Resource;
    const join = (dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    const body = JSON.parse(join[1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('')) as {
      widgets: { properties: { title?: string; annotations?: { horizontal?: { value: number }[] } } }[];
    };
    const thresholds = Object.fromEntries(
      body.widgets
        .filter((widget) => widget.properties.title !== undefined)
        .map((widget) => [
          widget.properties.title,
          (widget.properties.annotations?.horizontal ?? []).map((a) => a.value),
        ]),
    );
    expect(thresholds).toMatchObject({
      'OTP emails classified critical (per minute)': [0],
      'Latency samples above 3000 ms (% of each 10m window)': [5],
      'Critical precision (latest GDS report)': [0.95, 0.9],
      'Critical recall (latest GDS report)': [0.85, 0.8],
      'Critical false positives per 100 emails (24 h)': [5],
      'Cost per classification ÷ baseline (24 h)': [2],
      'Class distribution drift, pp (24 h)': [5, 10],
      'Minutes with p95 latency above threshold (streak)': [10, 30],
    });
    expect(JSON.stringify(body)).toContain('SEARCH(');
  });
});

describe('stack outputs', () => {
  it('names the rollback state machine, for sentinel rollback --stack', () => {
    const [machineId] = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
    template.hasOutput('StateMachineArn', { Value: { Ref: machineId } });
  });
});
