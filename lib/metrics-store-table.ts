import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** The attribute DynamoDB reads to expire items (epoch seconds); the store adapters write it. */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface MetricsStoreTableProps {
  /**
   * What happens to the table (and its data) when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The single DynamoDB table behind the metrics store, the incident records, locks and the
 * version registry (string keys `pk`/`sk`, see functions/adapters). On-demand billing, point-in-time
 * recovery, server-side encryption, TTL on `expiresAt` so per-minute buckets age out.
 */
export class MetricsStoreTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: MetricsStoreTableProps = {}) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
