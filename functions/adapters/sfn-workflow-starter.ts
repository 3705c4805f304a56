import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { WorkflowStarter } from '../ports.ts';

/**
 * Starts the rollback state machine. Step Functions keeps execution names unique per state
 * machine, so a second start under the same name is reported as already started, not an error.
 */
export class SfnWorkflowStarter implements WorkflowStarter {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(
    executionName: string,
    input: unknown,
  ): Promise<{ executionId: string; alreadyStarted: boolean }> {
    try {
      const started = await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: executionName,
          input: JSON.stringify(input),
        }),
      );
      return { executionId: started.executionArn ?? executionName, alreadyStarted: false };
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists)
        return { executionId: executionName, alreadyStarted: true };
      throw error;
    }
  }
}
