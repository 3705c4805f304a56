import { CfnOutput, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type Grant, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type FunctionUrl, FunctionUrlAuthType, type IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { handlerEntry } from './paths.ts';
import { SentinelFunction } from './sentinel-function.ts';
import { grantTableAccess } from './table-access.ts';
import { METRICS_NAMESPACE } from './triggers.ts';

export interface IngestionProps {
  /** Where the events' per-minute aggregates go. */
  readonly table: ITable;
  /**
   * Woken (asynchronously) when a batch stores an OTP email classified critical, so the P0
   * trigger is judged in seconds rather than after an alarm period or the next schedule tick.
   */
  readonly dispatcher: IFunction;
  /**
   * Environment for the ingest Lambda (e.g. POLICY_JSON).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Retention of the ingest Lambda's logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The ingest Lambda (functions/handlers/ingest.ts) behind a Lambda Function URL.
 *
 * Why a Function URL with AWS_IAM auth rather than API Gateway with an API key: the callers are
 * our own classifier service and tools, which already run with AWS credentials and can sign
 * requests with SigV4 — so every request is authenticated and attributable to an IAM principal,
 * there is no shared key to leak or rotate, and access is granted with an ordinary IAM policy
 * (`grantInvokeUrl`: `lambda:InvokeFunctionUrl` and `lambda:InvokeFunction` on this function). An API key identifies a client for usage plans,
 * it is not authentication. A Function URL also avoids API Gateway's 10 MB payload and 29 s
 * limits being the wrong knobs, its per-request cost, and one more resource to secure.
 */
export class Ingestion extends Construct {
  readonly function: SentinelFunction;
  readonly url: FunctionUrl;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    this.function = new SentinelFunction(this, 'IngestFunction', {
      entry: handlerEntry('ingest.ts'),
      description: 'Ingests classifier events into per-minute buckets and publishes the alarm metrics',
      memorySize: 512,
      logRetention: props.logRetention,
      environment: {
        TABLE_NAME: props.table.tableName,
        METRICS_NAMESPACE,
        DISPATCHER_FUNCTION_NAME: props.dispatcher.functionName,
        ...props.environment,
      },
    });
    grantTableAccess(props.table, this.function, 'ingest');
    // The unqualified function only (grantInvoke would add `<arn>:*`, every version and alias).
    this.function.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.dispatcher.functionArn] }),
    );
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        // PutMetricData has no resource-level permissions; the namespace condition is the scope.
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': METRICS_NAMESPACE } },
      }),
    );

    // Same finding id as the X-Ray statement acknowledged in SentinelFunction; this reason adds PutMetricData.
    Validations.of(this.function.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudwatch:PutMetricData supports no resource-level permissions; the statement is scoped by the ' +
        'cloudwatch:namespace condition to RollbackSentinel. The other `*` statement is X-Ray tracing (no ' +
        'resource-level permissions either).',
    });

    this.url = this.function.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM });
    new CfnOutput(this, 'IngestUrl', {
      description:
        'POST classifier events here (SigV4-signed, service lambda; needs lambda:InvokeFunctionUrl and lambda:InvokeFunction)',
      value: this.url.url,
    });
  }

  /**
   * Lets `grantee` POST to the ingest URL. Since October 2025 a Function URL caller needs two
   * actions on the function: `lambda:InvokeFunctionUrl`, here only for an AWS_IAM URL
   * (`lambda:FunctionUrlAuthType`), and `lambda:InvokeFunction`, here only through a Function URL
   * (`lambda:InvokedViaFunctionUrl`), so the grant does not also allow direct invocation. A principal of
   * this account gets them in its identity policy; a role CDK may not edit (imported immutably, or
   * of another account) gets them as statements of the function's resource policy instead.
   */
  grantInvokeUrl(grantee: IGrantable): Grant {
    return this.url.grantInvokeUrl(grantee);
  }
}
