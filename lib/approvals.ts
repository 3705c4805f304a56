import { CfnOutput, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type FunctionUrl, FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { handlerEntry } from './paths.ts';
import { SentinelFunction } from './sentinel-function.ts';
import { grantTableAccess } from './table-access.ts';

export interface ApprovalsProps {
  /** Where the incidents (and their parked task tokens) live. */
  readonly table: ITable;
  /**
   * Environment for the approval Lambda (e.g. POLICY_JSON).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Reserved concurrency of the approval Lambda: caps what a flood of (forged, hence refused)
   * link requests can take from the account's Lambda pool. Opt-in: Lambda keeps a minimum of the
   * account's concurrency unreserved, so in an account whose quota is still small (new accounts
   * may start at 10) any reservation fails the deploy.
   * @default - no reserved concurrency
   */
  readonly reservedConcurrency?: number;
  /**
   * Retention of the approval Lambda's logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * One-click approvals for manual triggers: a Lambda behind a Function URL and the HMAC key that
 * signs the links in the approval email (functions/core/approval/link.ts).
 *
 * Why auth NONE: the link is opened from an email client, which cannot sign requests with SigV4,
 * so AWS_IAM auth is unusable here. The request is authenticated by the link itself: an
 * HMAC-SHA256 over incident, decision, expiry, the request's nonce (a digest of its task token,
 * also kept in the record) and the key id, with a key only this construct's secret holds. Every
 * signed field is in the link, so the signature is checked before anything is read and a forged
 * link gets the same 403 whatever the incident's state. A link expires (the approval timeout), is
 * bound to one approval request, and is answered at most once (one conditional write checks the
 * request is still pending and records the answer).
 *
 * Key rotation (by hand): set the secret to `{"current": "<new key>", "previous": "<old key>"}`.
 * New links are signed with `current`; links name their key (`kid`, derived from the key), so links
 * already mailed keep verifying with `previous`. After the approval timeout, set the secret back to
 * the plain new key. See functions/core/approval/keys.ts.
 * `reservedConcurrency` caps the function, so a flood of forged links cannot exhaust the
 * account's Lambda pool (opt-in: a small account quota cannot reserve any).
 */
export class Approvals extends Construct {
  readonly function: SentinelFunction;
  readonly url: FunctionUrl;
  readonly signingKey: Secret;

  constructor(scope: Construct, id: string, props: ApprovalsProps) {
    super(scope, id);
    this.signingKey = new Secret(this, 'SigningKey', {
      description: 'Rollback Sentinel: HMAC key that signs approval links',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(this.signingKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The approval link key is a random HMAC key, not a credential of another system; it is rotated by hand ' +
        'when needed, keeping the old key as "previous" so outstanding links stay valid (functions/core/approval/keys.ts).',
    });

    this.function = new SentinelFunction(this, 'ApprovalFunction', {
      entry: handlerEntry('approval.ts'),
      description: 'Signed approval links: records the answer once and resumes the rollback workflow',
      logRetention: props.logRetention,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        TABLE_NAME: props.table.tableName,
        APPROVAL_SIGNING_SECRET_ARN: this.signingKey.secretArn,
        ...props.environment,
      },
    });
    grantTableAccess(props.table, this.function, 'approval');
    this.signingKey.grantRead(this.function);

    this.url = this.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    new CfnOutput(this, 'ApprovalUrl', {
      description: 'Base URL of the signed approval links (sent in approval emails)',
      value: this.url.url,
    });
  }

  /**
   * Lets the approval Lambda resume executions of `stateMachine` (SendTaskSuccess acts on a task
   * token, whose resource is the state machine). Only SendTaskSuccess: functions/handlers/approval.ts
   * sends a rejection as SendTaskSuccess with `approved: false` and never calls SendTaskFailure.
   * A separate policy, not the role's default one: the workflow's request-approval step needs this
   * URL, so the function must not depend on the state machine.
   */
  allowCallbacks(stateMachine: IStateMachine): void {
    new Policy(this, 'CallbackPolicy', {
      roles: [this.function.executionRole],
      statements: [
        new PolicyStatement({
          actions: ['states:SendTaskSuccess'],
          resources: [stateMachine.stateMachineArn],
        }),
      ],
    });
  }
}
