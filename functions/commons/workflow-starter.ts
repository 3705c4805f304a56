import { SfnWorkflowStarter } from '../adapters/sfn-workflow-starter.ts';
import { sfnClient } from './clients/sfn.ts';
import { requireEnv } from './env.ts';

export const workflowStarterFromEnv = () =>
  new SfnWorkflowStarter(sfnClient, requireEnv('STATE_MACHINE_ARN'));
