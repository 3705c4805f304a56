import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsGateway, startAwsGateway } from '../../functions/local/aws/gateway.ts';
import { ACCOUNT, assumedRole, principal, REGION, rejection, sdkConfig } from '../support/aws-gateway.ts';

const NAME = 'rollback-sentinel/github-token';
const ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${NAME}-Ab12Cd`;
// The template grants with the suffix wildcarded, as CDK writes it for a secret named by string.
const reverter = principal('revert-fn', [
  {
    Effect: 'Allow',
    Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    Resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${NAME}-??????`,
  },
]);
const other = principal('ingest-fn', []);

let gateway: AwsGateway;
let client: SecretsManagerClient;

beforeAll(async () => {
  gateway = await startAwsGateway({
    region: REGION,
    account: ACCOUNT,
    principals: [reverter, other],
    secrets: [{ arn: ARN, name: NAME, value: 'ghp_local' }],
  });
  client = new SecretsManagerClient(sdkConfig(gateway.endpoint, reverter));
});

afterAll(async () => {
  client.destroy();
  await gateway.close();
});

describe('AWS gateway: Secrets Manager GetSecretValue', () => {
  it.each([
    ['name', NAME],
    ['partial ARN', ARN.slice(0, -7)],
    ['full ARN', ARN],
  ])('finds the secret by its %s and authorizes on the full ARN', async (_kind, secretId) => {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    expect(answer).toMatchObject({
      ARN,
      Name: NAME,
      SecretString: 'ghp_local',
      VersionStages: ['AWSCURRENT'],
    });
    expect(gateway.decisions().at(-1)).toMatchObject({ resource: ARN, allowed: true });
  });

  it('refuses a function without the grant', async () => {
    const stranger = new SecretsManagerClient(sdkConfig(gateway.endpoint, other));
    const error = await rejection(stranger.send(new GetSecretValueCommand({ SecretId: NAME })));
    stranger.destroy();
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toBe(
      `User: ${assumedRole('ingest-fn')} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${ARN} because no identity-based policy allows the secretsmanager:GetSecretValue action`,
    );
  });

  it('answers ResourceNotFoundException for an unknown secret the role may read', async () => {
    const error = await rejection(client.send(new GetSecretValueCommand({ SecretId: `${NAME}-Zz99Zz` })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});
