import type { WorkflowStarter } from '../../functions/ports.ts';

export interface LocalExecution {
  name: string;
  input: unknown;
  done: Promise<unknown>;
}

/**
 * For the tests of what starts the workflow (dispatcher, evaluator): starts in-process executions
 * with the one rule Step Functions gives us in the cloud: an execution name is used once, so
 * starting the same name again is a no-op that reports the running one.
 */
export class LocalWorkflowStarter implements WorkflowStarter {
  readonly executions = new Map<string, LocalExecution>();

  constructor(private readonly run: (name: string, input: unknown) => Promise<unknown>) {}

  async start(
    executionName: string,
    input: unknown,
  ): Promise<{ executionId: string; alreadyStarted: boolean }> {
    if (this.executions.has(executionName)) return { executionId: executionName, alreadyStarted: true };
    const execution: LocalExecution = { name: executionName, input, done: Promise.resolve() };
    this.executions.set(executionName, execution);
    execution.done = this.run(executionName, input);
    return { executionId: executionName, alreadyStarted: false };
  }
}
