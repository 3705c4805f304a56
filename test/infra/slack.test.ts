import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { type Resource, synthTemplate, TEST_REPOSITORY } from './synth.ts';

const SLACK = { slackWorkspaceId: 'T0123ABCD', slackChannelId: 'C0123ABCDE' };

let template: Template;
beforeAll(() => {
  template = synthTemplate({ context: SLACK });
});

const idOf = (type: string, prefix: string): string => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids, prefix).toHaveLength(1);
  return ids[0] as string;
};

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown };

describe('Slack through AWS Chatbot', () => {
  it('delivers both topics to the channel, logging errors, with its own role and guardrail', () => {
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 1);
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCDE',
      LoggingLevel: 'ERROR',
      UserRoleRequired: false,
      SnsTopicArns: [
        { Ref: idOf('AWS::SNS::Topic', 'NotificationsAlerts') },
        { Ref: idOf('AWS::SNS::Topic', 'NotificationsPages') },
      ],
      IamRoleArn: { 'Fn::GetAtt': [idOf('AWS::IAM::Role', 'SlackChannelRole'), 'Arn'] },
      GuardrailPolicies: [{ Ref: idOf('AWS::IAM::ManagedPolicy', 'SlackGuardrail') }],
    });
  });

  it('lets the channel only read CloudWatch alarms and metrics (role and guardrail alike), never AdministratorAccess', () => {
    const role = template.findResources('AWS::IAM::Role')[
      idOf('AWS::IAM::Role', 'SlackChannelRole')
    ] as Resource;
    expect(role.Properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const policies = Object.values(
      template.findResources('AWS::IAM::Policy') as Record<string, Resource>,
    ).filter((policy) =>
      (policy.Properties.Roles as { Ref: string }[]).some(
        (ref) => ref.Ref === idOf('AWS::IAM::Role', 'SlackChannelRole'),
      ),
    );
    const guardrail = template.findResources('AWS::IAM::ManagedPolicy')[
      idOf('AWS::IAM::ManagedPolicy', 'SlackGuardrail')
    ] as Resource;
    for (const document of [
      ...policies.map((policy) => policy.Properties.PolicyDocument),
      guardrail.Properties.PolicyDocument,
    ]) {
      const statements = (document as { Statement: Statement[] }).Statement;
      const actions = statements.flatMap((statement) => [statement.Action].flat());
      expect(statements.every((statement) => statement.Effect === 'Allow')).toBe(true);
      expect(actions.length).toBeGreaterThan(0);
      for (const action of actions) expect(action).toMatch(/^cloudwatch:(Describe|Get|List)[A-Za-z]+$/);
    }
    expect(JSON.stringify(template.toJSON())).not.toContain('AdministratorAccess');
  });

  it('needs no Chatbot statement in the key policy: SNS decrypts before HTTPS delivery; the publishing services keep theirs', () => {
    const key = Object.values(
      template.findResources('AWS::KMS::Key') as Record<string, Resource>,
    )[0] as Resource;
    const statements = (key.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
    const services = statements.flatMap((statement) => {
      const principal = statement.Principal as { Service?: string | string[] } | undefined;
      return principal?.Service === undefined ? [] : [principal.Service].flat();
    });
    expect([...new Set(services)].sort()).toEqual(['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
  });

  it('tells every publishing Lambda to publish Chatbot-readable messages (and none without Slack)', () => {
    const lambdas = template.findResources('AWS::Lambda::Function') as Record<string, Resource>;
    const env = (fn: Resource) =>
      (fn.Properties.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
    const publishers = Object.values(lambdas).filter((fn) => 'ALERTS_TOPIC_ARN' in env(fn));
    expect(publishers.length).toBeGreaterThanOrEqual(6);
    for (const fn of publishers) expect(env(fn).NOTIFICATION_FORMAT).toBe('chatbot');
    const plain = synthTemplate().findResources('AWS::Lambda::Function') as Record<string, Resource>;
    expect(Object.values(plain).some((fn) => 'NOTIFICATION_FORMAT' in env(fn))).toBe(false);
  });

  it('is off without context, and one id alone fails synth naming the missing one', () => {
    synthTemplate().resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    expect(() => synthTemplate({ context: { slackWorkspaceId: 'T0123ABCD' } })).toThrow(
      /slackChannelId: Slack notifications need both -c slackWorkspaceId=… and -c slackChannelId=…/,
    );
    expect(() => synthTemplate({ context: { slackChannelId: 'C0123ABCDE' } })).toThrow(/^slackWorkspaceId: /);
    expect(() => synthTemplate({ context: { ...SLACK, slackWorkspaceId: 'not a team' } })).toThrow(
      /is not a Slack workspace id/,
    );
  });
});

describe('cdk-nag with Slack', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  it('has no unacknowledged error, and the Slack acknowledgements are IAM5 wildcard findings only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-slack-nag-'));
    dirs.push(dir);
    const { app } = buildApp({
      bundle: false,
      nag: true,
      outdir: dir,
      context: { repository: TEST_REPOSITORY, ...SLACK },
    });
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        violations?: { severity?: string; ruleName?: string; violatingResources?: unknown }[];
      }[];
    };
    const errors = report.pluginReports
      .flatMap((plugin) => plugin.violations ?? [])
      .filter((violation) => violation.severity === 'error');
    expect(errors).toEqual([]);
    const slack = app.node.findAll().filter((construct) => construct.node.path.includes('/Slack/'));
    const acks = slack.flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>)),
    );
    expect(acks.length).toBeGreaterThan(0);
    for (const [id, reason] of acks) {
      expect(id).toMatch(/AwsSolutions-IAM5\[Resource::\*\]$/);
      expect(reason).toMatch(/support no resource-level permissions/);
    }
  });
});

it('the Template matcher sees the channel (sanity: Match helpers on the configuration)', () => {
  template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
    ConfigurationName: Match.stringLikeRegexp('-slack$'),
  });
});
