import type { AwsCall, CallResult } from './call.ts';
import { parseJsonBody, requiredString, unknownOperation } from './call.ts';
import type { DecisionLog } from './decisions.ts';
import { AwsServiceError, epochSeconds } from './protocol.ts';

export interface SecretConfig {
  /** The full ARN, with Secrets Manager's 6-character suffix (`…:secret:name-AbCdEf`). */
  arn: string;
  name: string;
  value: string;
  versionId?: string;
  createdDate?: Date;
}

/** SecretId may be the full ARN, the ARN without the random suffix, or the name. */
export function findSecret(secrets: readonly SecretConfig[], secretId: string): SecretConfig | undefined {
  return (
    secrets.find((s) => s.arn === secretId) ??
    secrets.find((s) => s.name === secretId) ??
    secrets.find((s) => s.arn.replace(/-[A-Za-z0-9]{6}$/, '') === secretId)
  );
}

export function handleSecretsManager(
  call: AwsCall,
  log: DecisionLog,
  secrets: readonly SecretConfig[],
): CallResult {
  if (call.operation !== 'GetSecretValue') throw unknownOperation('secretsmanager', call.operation);
  const secretId = requiredString(parseJsonBody(call), 'SecretId');
  const secret = findSecret(secrets, secretId);
  // IAM sees the full ARN of an existing secret; for an unknown one, the ARN the id would name.
  const resource =
    secret?.arn ??
    (secretId.startsWith('arn:')
      ? secretId
      : `arn:aws:secretsmanager:${call.region}:${call.account}:secret:${secretId}`);
  log.require({
    caller: call.caller,
    identityStatements: call.principal.statements,
    action: 'secretsmanager:GetSecretValue',
    resource,
  });
  if (!secret)
    throw new AwsServiceError(
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );
  return {
    json: {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: secret.versionId ?? '00000000-0000-0000-0000-000000000001',
      SecretString: secret.value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: epochSeconds(secret.createdDate ?? new Date(0)),
    },
  };
}
