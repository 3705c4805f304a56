import { SentinelError } from '../core/errors.ts';
import { type Policy, parsePolicy } from '../core/policy.ts';
import type { Clock } from '../ports.ts';

/** A variable the stack gives this function is missing: the template and the code disagree. */
export class MissingEnvironmentError extends SentinelError {
  override readonly name = 'MissingEnvironmentError';
}

/** Configuration the stack passes in the function's environment (names and ARNs, never secrets). */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    const fn = process.env.AWS_LAMBDA_FUNCTION_NAME;
    throw new MissingEnvironmentError(
      `environment variable ${name} is not set${fn ? ` for function ${fn}` : ''}; the stack must set it for this function`,
    );
  }
  return value;
}

export const systemClock: Clock = { now: () => new Date() };

let policy: Policy | undefined;
/** The policy travels as JSON in POLICY_JSON; without it the runbook's defaults apply. Parsed once. */
export function policyFromEnv(): Policy {
  if (policy) return policy;
  const text = process.env.POLICY_JSON;
  policy = parsePolicy(text ? JSON.parse(text) : {}, 'POLICY_JSON');
  return policy;
}
