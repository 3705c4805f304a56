/**
 * `sentinel rollback --stack NAME | --state-machine-arn ARN`: a person's rollback through the
 * deployed workflow — the same state machine as a trigger's, with decision `manual`, the operator
 * and the reason: it notifies, captures the state, commits the revert, waits for the deploy,
 * verifies in stages and completes like any incident. It needs only `states:StartExecution`
 * (and `cloudformation:DescribeStacks` with --stack); `AWS_ENDPOINT_URL` points it at a local
 * stack (`sentinel serve`).
 */
import { randomBytes } from 'node:crypto';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STATE_MACHINE_OUTPUT } from '../../lib/rollback-sentinel-stack.ts';
import { SfnWorkflowStarter } from '../adapters/sfn-workflow-starter.ts';
import { SentinelError } from '../core/errors.ts';
import { manualWorkflowInput } from '../core/incident/manual.ts';
import type { Version } from '../core/version.ts';

export interface WorkflowRollbackOptions {
  service: string;
  version: Version;
  by: string;
  reason: string;
  now: Date;
  /** The state machine, or the stack whose `StateMachineArn` output names it. */
  target: { stateMachineArn: string } | { stackName: string };
  sfn?: SFNClient;
  cloudFormation?: CloudFormationClient;
}

export interface WorkflowRollbackResult {
  incidentId: string;
  executionName: string;
  executionArn: string;
  alreadyStarted: boolean;
  stateMachineArn: string;
}

export async function startWorkflowRollback(
  options: WorkflowRollbackOptions,
): Promise<WorkflowRollbackResult> {
  const stateMachineArn =
    'stateMachineArn' in options.target
      ? options.target.stateMachineArn
      : await stateMachineOfStack(
          options.cloudFormation ?? new CloudFormationClient({}),
          options.target.stackName,
        );
  const { executionName, input } = manualWorkflowInput({
    service: options.service,
    version: options.version,
    by: options.by,
    reason: options.reason,
    at: options.now,
    nonce: randomBytes(3).toString('hex'),
  });
  const starter = new SfnWorkflowStarter(options.sfn ?? new SFNClient({}), stateMachineArn);
  const started = await starter.start(executionName, input);
  return {
    incidentId: input.incidentId,
    executionName,
    executionArn: started.executionId,
    alreadyStarted: started.alreadyStarted,
    stateMachineArn,
  };
}

async function stateMachineOfStack(client: CloudFormationClient, stackName: string): Promise<string> {
  const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  const value = Stacks[0]?.Outputs?.find((output) => output.OutputKey === STATE_MACHINE_OUTPUT)?.OutputValue;
  if (!value) {
    throw new SentinelError(
      `stack ${stackName} has no ${STATE_MACHINE_OUTPUT} output (deployed before it existed? redeploy, or pass --state-machine-arn)`,
    );
  }
  return value;
}
