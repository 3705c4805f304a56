import type { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { Notifications } from './notifications.ts';
import { handlerEntry } from './paths.ts';
import { SentinelFunction } from './sentinel-function.ts';
import { grantTableAccess } from './table-access.ts';

export interface TickFunctionProps {
  /** Handler file under functions/handlers/. */
  readonly entry: string;
  /** Which entry of TABLE_ACCESS (lib/table-access.ts) the function's table grant is. */
  readonly tableUser: 'evaluator' | 'dispatcher';
  readonly description: string;
  /** Metrics, incidents, locks, registry and control state (one table). */
  readonly table: ITable;
  /** The workflow a breach starts, under an execution name derived from the incident id. */
  readonly stateMachine: IStateMachine;
  /** Cooldown pages, quarantine pages and deduplicated warnings go to these topics. */
  readonly notifications: Notifications;
  /**
   * Lambda timeout.
   * @default the SentinelFunction default
   */
  readonly timeout?: Duration;
  /**
   * Extra environment (e.g. POLICY_JSON); names and ARNs only.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Log retention.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * A Lambda that runs the evaluate-and-dispatch tick (the scheduled evaluator and the alarm-woken
 * dispatcher): it reads and writes the table (exactly the item actions of TABLE_ACCESS), starts
 * rollback executions and notifies — and gets exactly those permissions.
 */
export function tickFunction(scope: Construct, id: string, props: TickFunctionProps): SentinelFunction {
  const fn = new SentinelFunction(scope, id, {
    entry: handlerEntry(props.entry),
    description: props.description,
    ...(props.timeout ? { timeout: props.timeout } : {}),
    logRetention: props.logRetention,
    environment: {
      TABLE_NAME: props.table.tableName,
      STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
      ...props.notifications.publisherEnvironment(),
      ...props.environment,
    },
  });
  grantTableAccess(props.table, fn, props.tableUser);
  props.stateMachine.grantStartExecution(fn);
  props.notifications.grantPublish(fn);
  return fn;
}
