import type { Statement } from './iam.ts';

/** A Lambda function as the gateway knows it: its access key, its name and its role's statements. */
export interface RegisteredPrincipal {
  accessKeyId: string;
  /** The function name; becomes the assumed-role session name in error messages. */
  name: string;
  roleArn: string;
  statements: readonly Statement[];
}

export interface SigningScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/**
 * The credential scope of a SigV4-signed request (header or presigned query). Signatures are
 * not verified: callers may run on a simulated clock, and the caller is trusted to be local.
 */
export function signingScope(authorization: string | undefined, url: URL): SigningScope | undefined {
  const credential =
    /Credential=([^,\s]+)/.exec(authorization ?? '')?.[1] ?? url.searchParams.get('X-Amz-Credential');
  if (!credential) return undefined;
  const [accessKeyId, date, region, service] = credential.split('/');
  if (!accessKeyId || !date || !region || !service) return undefined;
  return { accessKeyId, date, region, service };
}
