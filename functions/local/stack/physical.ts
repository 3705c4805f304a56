/**
 * Local names and ARNs for the synthesized stack's resources, shaped as CloudFormation would
 * name them in AWS (`<stack>-<logicalId>` where CloudFormation generates a name), in one
 * placeholder account and region. Every value the template refers to comes from here.
 */
import { createHash } from 'node:crypto';
import type { PhysicalResource } from './intrinsics.ts';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '123456789012';

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface PhysicalOptions {
  readonly stackName: string;
  /** Function URL base of the local URL server, e.g. `http://127.0.0.1:4567`. */
  readonly functionUrlBase: string;
}

const arn = (service: string, rest: string, region = LOCAL_REGION) =>
  `arn:aws:${service}:${region}:${LOCAL_ACCOUNT}:${rest}`;

/** A stable six-character suffix, as Secrets Manager appends to secret ARNs. */
function suffix(text: string): string {
  return createHash('sha256').update(text).digest('base64url').replace(/[-_]/g, 'x').slice(0, 6);
}

export function physicalResources(
  resources: Readonly<Record<string, TemplateResource>>,
  options: PhysicalOptions,
): Map<string, PhysicalResource> {
  const physical = new Map<string, PhysicalResource>();
  const name = (logicalId: string) => `${options.stackName}-${logicalId}`;
  for (const [logicalId, resource] of Object.entries(resources)) {
    const generated = name(logicalId);
    const add = (ref: string, attributes: Record<string, string> = {}) =>
      physical.set(logicalId, { ref, attributes });
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        add(generated, { Arn: arn('dynamodb', `table/${generated}`) });
        break;
      case 'AWS::SNS::Topic': {
        const topicArn = arn('sns', generated);
        add(topicArn, { TopicArn: topicArn, TopicName: generated });
        break;
      }
      case 'AWS::StepFunctions::StateMachine': {
        const machineArn = arn('states', `stateMachine:${generated}`);
        add(machineArn, { Arn: machineArn, Name: generated });
        break;
      }
      case 'AWS::Lambda::Function':
        add(generated, { Arn: arn('lambda', `function:${generated}`) });
        break;
      case 'AWS::Lambda::Url':
        add(`${options.functionUrlBase}/${logicalId}/`, {
          FunctionUrl: `${options.functionUrlBase}/${logicalId}/`,
          FunctionArn: '',
        });
        break;
      case 'AWS::IAM::Role':
        add(generated, {
          Arn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${generated}`,
          RoleId: `AROA${suffix(generated)}`,
        });
        break;
      case 'AWS::Logs::LogGroup':
        add(generated, { Arn: arn('logs', `log-group:${generated}:*`) });
        break;
      case 'AWS::KMS::Key': {
        const keyId = createHash('sha256').update(generated).digest('hex').slice(0, 32);
        add(keyId, { Arn: arn('kms', `key/${keyId}`), KeyId: keyId });
        break;
      }
      case 'AWS::SecretsManager::Secret': {
        const secretArn = arn('secretsmanager', `secret:${generated}-${suffix(generated)}`);
        add(secretArn, { Id: secretArn });
        break;
      }
      case 'AWS::Events::Rule':
        add(generated, { Arn: arn('events', `rule/${generated}`) });
        break;
      case 'AWS::CloudWatch::Alarm':
        add(generated, { Arn: arn('cloudwatch', `alarm:${generated}`) });
        break;
      default:
        add(generated);
    }
  }
  return physical;
}

/** The full ARN of a secret created outside the stack (`Secret.fromSecretNameV2`), by name. */
export function externalSecretArn(secretName: string): string {
  return arn('secretsmanager', `secret:${secretName}-${suffix(secretName)}`);
}
