import { LambdaBreachSignal } from '../adapters/lambda-breach-signal.ts';
import { lambdaClient } from './clients/lambda.ts';
import { requireEnv } from './env.ts';

export const breachSignalFromEnv = () =>
  new LambdaBreachSignal(lambdaClient, requireEnv('DISPATCHER_FUNCTION_NAME'));
