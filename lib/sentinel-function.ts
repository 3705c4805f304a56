import { join } from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { REPO_ROOT } from './paths.ts';

/** The value of POWERTOOLS_SERVICE_NAME for every function of the stack. */
export const SERVICE_NAME = 'rollback-sentinel';

export interface SentinelFunctionProps {
  /** Path of the handler module (TypeScript), bundled with esbuild; it exports `handler`. */
  readonly entry: string;
  /**
   * What the function does, shown in the Lambda console.
   * @default - no description
   */
  readonly description?: string;
  /**
   * Maximum run time of one invocation.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Memory (and proportional CPU) in MiB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Extra environment variables: names and ARNs only, never secrets.
   * @default - only the project defaults (Powertools service name, source maps)
   */
  readonly environment?: Record<string, string>;
  /**
   * How long the function's log group keeps its events.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools service name (POWERTOOLS_SERVICE_NAME) used by the logger.
   * @default SERVICE_NAME ('rollback-sentinel')
   */
  readonly serviceName?: string;
  /**
   * Cap on concurrent invocations (protects the table and downstream APIs).
   * @default - no reserved concurrency (account pool)
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A Lambda with the project defaults: Node.js 24 on arm64, an ESM bundle built by the local
 * esbuild (minified, with source maps; never Docker), X-Ray active tracing, its own log group
 * with a retention, and its own role that may only write to that log group (no AWS managed
 * policy). Every other permission is granted by the construct that uses the function.
 */
export class SentinelFunction extends NodejsFunction {
  /** The function's own role (a sibling construct, so `role` alone would be optional). */
  readonly executionRole: Role;
  /** The handler module it bundles: the local runtime runs this very entry. */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: SentinelFunctionProps) {
    // Siblings in `scope`: they must exist before `super()` can receive them.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    // Tracing.ACTIVE adds xray:PutTraceSegments and xray:PutTelemetryRecords on `*`.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level ' +
        'permissions (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html), ' +
        'so the statement CDK adds must name `*`.',
    });

    super(scope, id, {
      entry: props.entry,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? SERVICE_NAME,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle everything, the AWS SDK included: pinned versions, and tree shaking keeps it small.
        externalModules: [],
        mainFields: ['module', 'main'],
        // Some bundled CommonJS dependencies call require() for Node built-ins.
        banner:
          "import { createRequire as __sentinelRequire } from 'node:module';const require = __sentinelRequire(import.meta.url);",
        forceDockerBundling: false,
      },
    });
    this.executionRole = role;
    this.entry = props.entry;
  }
}
