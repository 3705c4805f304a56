import type { Statement } from '../../functions/local/aws/iam.ts';
import type { RegisteredPrincipal } from '../../functions/local/aws/principals.ts';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

/** A function with its role, as the lead's template resolver would register it. */
export function principal(name: string, statements: Statement[]): RegisteredPrincipal {
  return {
    accessKeyId: `AKIA${name.toUpperCase().replace(/[^A-Z0-9]/g, '')}`,
    name,
    roleArn: roleArn(name),
    statements,
  };
}

export const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}-role`;
export const assumedRole = (name: string) => `arn:aws:sts::${ACCOUNT}:assumed-role/${name}-role/${name}`;

/** SDK client configuration exactly as `AWS_ENDPOINT_URL` + the function's credentials would give it. */
export function sdkConfig(endpoint: string, who: RegisteredPrincipal | string) {
  return {
    endpoint,
    region: REGION,
    credentials: {
      accessKeyId: typeof who === 'string' ? who : who.accessKeyId,
      secretAccessKey: 'local-secret',
    },
    maxAttempts: 1,
  };
}

/** The rejection of `promise`, which must reject. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to be rejected');
}
