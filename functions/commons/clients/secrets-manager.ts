import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SentinelError } from '../../core/errors.ts';

const secrets = new SecretsManagerClient({});

/** Reads a secret's value (the GitHub token, the approval signing key); never from the environment. */
export async function readSecret(secretArn: string): Promise<string> {
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!secret.SecretString) throw new SentinelError(`secret ${secretArn} holds no value`);
  return secret.SecretString.trim();
}
