import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { type Resource, synthTemplate, TEST_REPOSITORY } from './synth.ts';

const REPOSITORY_STEPS = [
  'WorkflowChooseTargetFunction',
  'WorkflowRevertCommitFunction',
  'WorkflowCheckDeployFunction',
];

/** Environment of the one Lambda whose logical id starts with `prefix`. */
function envOf(template: Template, prefix: string): Record<string, unknown> {
  const lambdas = template.findResources('AWS::Lambda::Function') as Record<string, Resource>;
  const matches = Object.entries(lambdas).filter(([id]) => id.startsWith(prefix));
  expect(matches, prefix).toHaveLength(1);
  const [, fn] = matches[0] as [string, Resource];
  return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

describe('the application repository', () => {
  it('is required: synth without -c repository fails, naming the context key and an example', () => {
    expect(() => buildApp({ bundle: false })).toThrow(/context `repository`/);
    expect(() => buildApp({ bundle: false })).toThrow(/npx cdk deploy -c repository=owner\/name/);
    expect(() => buildApp({ bundle: false })).toThrow(/-c notifyOnly=true/);
  });

  it('refuses a repository that is not owner/name', () => {
    expect(() => synthTemplate({ context: { repository: 'just-a-name' } })).toThrow(/owner\/name/);
  });

  it('reaches the repository steps as GITHUB_REPOSITORY, with writes enabled', () => {
    const template = synthTemplate();
    for (const step of REPOSITORY_STEPS) {
      const env = envOf(template, step);
      expect(env.GITHUB_REPOSITORY, step).toBe(TEST_REPOSITORY);
      expect(env.REPOSITORY_WRITES, step).toBeUndefined();
    }
    expect(Object.keys(template.findOutputs('*'))).not.toContain('NotifyOnly');
  });
});

describe('a notify-only stack (-c notifyOnly=true)', () => {
  const notifyOnly = () => {
    const { stack } = buildApp({ bundle: false, context: { notifyOnly: 'true' } });
    return { stack, template: Template.fromStack(stack) };
  };

  it('synthesizes without a repository and says so loudly: an output and a synth warning', () => {
    const { stack, template } = notifyOnly();
    template.hasOutput('NotifyOnly', {
      Value: Match.stringLikeRegexp('NOTIFY-ONLY.*never writes to an application repository'),
    });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('notify-only.*-c repository='));
  });

  it('tells the repository steps that writes are disabled, and gives them no repository and no token', () => {
    const { template } = notifyOnly();
    for (const step of REPOSITORY_STEPS) {
      const env = envOf(template, step);
      expect(env.REPOSITORY_WRITES, step).toBe('disabled');
      expect(env.GITHUB_REPOSITORY, step).toBeUndefined();
      expect(env.GITHUB_TOKEN_SECRET_ARN, step).toBeUndefined();
    }
    const policies = template.findResources('AWS::IAM::Policy') as Record<string, Resource>;
    expect(JSON.stringify(policies)).not.toContain('rollback-sentinel/github-token');
  });

  it('is the same as the stack prop notifyOnly: true, and contradicts a repository', () => {
    const { stack } = buildApp({ bundle: false, stack: { notifyOnly: true } });
    Template.fromStack(stack).hasOutput('NotifyOnly', Match.anyValue());
    expect(() => synthTemplate({ context: { notifyOnly: 'true' } })).toThrow(/notifyOnly.*repository/);
    expect(() => buildApp({ bundle: false, context: { notifyOnly: 'yes' } })).toThrow(
      /context notifyOnly must be true or false/,
    );
  });
});
