import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Notifications } from './notifications.ts';
import type { SentinelFunction } from './sentinel-function.ts';
import { tickFunction } from './tick-function.ts';

export interface DispatcherProps {
  /** Incidents and their locks (conditional writes). */
  readonly table: ITable;
  /** The workflow the dispatcher starts, under an execution name derived from the incident id. */
  readonly stateMachine: IStateMachine;
  /** Cooldown and duplicate notices go to these topics. */
  readonly notifications: Notifications;
  /**
   * Environment for the dispatcher (e.g. POLICY_JSON).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Retention of the dispatcher's logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The dispatcher Lambda: turns an alarm (or a breach) into at most one incident per service and
 * version, takes the lock with a conditional write and starts the rollback workflow.
 */
export class Dispatcher extends Construct {
  readonly function: SentinelFunction;

  constructor(scope: Construct, id: string, props: DispatcherProps) {
    super(scope, id);
    this.function = tickFunction(this, 'DispatcherFunction', {
      ...props,
      entry: 'dispatcher.ts',
      tableUser: 'dispatcher',
      description: 'Opens one incident per breach and starts the rollback workflow',
    });
  }
}
