import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parse as parseYaml } from 'yaml';
import {
  DEFAULT_GITHUB_TOKEN_SECRET_NAME,
  RollbackSentinelStack,
  type RollbackSentinelStackProps,
} from './rollback-sentinel-stack.ts';

export const STACK_NAME = 'RollbackSentinel';

export interface BuildAppOptions {
  /**
   * CDK context (what cdk.json and `-c key=value` provide): `repository` (required, `owner/name`,
   * unless `notifyOnly=true`), `notifyOnly`, `alertEmail`, `pagerEndpoint`, `slackWorkspaceId` + `slackChannelId`, `githubTokenSecretName`,
   * `githubApiUrl`, `classifierRoleArn`, `approvalReservedConcurrency`, `policy` (JSON) or `policyFile` (a JSON or YAML policy file, as for the CLI's
   * `--policy`).
   * @default - none: the stack defaults (and the stack then refuses to build without `repository`)
   */
  readonly context?: Record<string, unknown>;
  /**
   * Bundle the Lambdas with esbuild. Tests and the local runner only need the template.
   * @default true
   */
  readonly bundle?: boolean;
  /**
   * Stack props that win over the context (tests, the local runner's variants).
   * @default - none
   */
  readonly stack?: Partial<RollbackSentinelStackProps>;
  /**
   * Cloud assembly directory.
   * @default - the CLI's cdk.out when run by `cdk`, else a temporary directory
   */
  readonly outdir?: string;
  /**
   * Register cdk-nag's AwsSolutions checks as a validation plugin.
   * @default false (bin/app.ts turns it on)
   */
  readonly nag?: boolean;
}

/** The app with its one stack, built in-process: bin/app.ts, the infra tests and the local runner share it. */
export function buildApp(options: BuildAppOptions = {}): { app: App; stack: RollbackSentinelStack } {
  const app = new App({
    outdir: options.outdir,
    context: {
      ...options.context,
      // An empty list means "bundle no stack": assets get a placeholder and esbuild never runs.
      ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
    },
  });
  const text = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`context ${key} must be a string`);
    return value;
  };
  const flag = (key: string): boolean | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new Error(`context ${key} must be true or false (got ${JSON.stringify(value)})`);
  };
  const count = (key: string): number | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    const number = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(number) || number < 1)
      throw new Error(`context ${key} must be a whole number ≥ 1 (got ${JSON.stringify(value)})`);
    return number;
  };
  const policyFile = text('policyFile');
  const policyContext: unknown = policyFile
    ? parseYaml(readFileSync(policyFile, 'utf8'))
    : app.node.tryGetContext('policy');
  const stack = new RollbackSentinelStack(app, STACK_NAME, {
    alertEmail: text('alertEmail'),
    pagerEndpoint: text('pagerEndpoint'),
    slackWorkspaceId: text('slackWorkspaceId'),
    slackChannelId: text('slackChannelId'),
    githubTokenSecretName: text('githubTokenSecretName') ?? DEFAULT_GITHUB_TOKEN_SECRET_NAME,
    repository: text('repository'),
    notifyOnly: flag('notifyOnly'),
    githubApiUrl: text('githubApiUrl'),
    classifierRoleArn: text('classifierRoleArn'),
    approvalReservedConcurrency: count('approvalReservedConcurrency'),
    policy: typeof policyContext === 'string' ? JSON.parse(policyContext) : policyContext,
    ...options.stack,
  });
  if (options.nag) addNagChecks(app);
  return { app, stack };
}

/** The stack alone (same construction as the deployed app). */
export function buildStack(options: BuildAppOptions = {}): RollbackSentinelStack {
  return buildApp(options).stack;
}

/** cdk-nag 3.x: AwsSolutions runs as a policy-validation plugin; any unacknowledged error fails synth. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}
