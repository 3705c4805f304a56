/**
 * The synthesized template read as the local stack needs it: for every Lambda its resolved
 * environment and role statements, and the stack's topics, keys, secrets, alarms, rules and
 * resource policies — every CloudFormation token replaced by its local value.
 */
import {
  type PhysicalResource,
  type ResolveContext,
  resolveIntrinsics,
  resolveString,
} from './intrinsics.ts';
import type { TemplateResource } from './physical.ts';
import type { CfnTemplate } from './synth.ts';

export type Statement = Record<string, unknown>;

export interface FunctionModel {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly roleArn: string;
  readonly environment: Record<string, string>;
  readonly statements: Statement[];
  readonly memoryMb: number;
  readonly timeoutMs: number;
}

export interface TemplateModel {
  readonly functions: FunctionModel[];
  readonly tables: { logicalId: string; name: string; properties: Record<string, unknown> }[];
  readonly topics: { logicalId: string; arn: string; kmsKeyArn?: string; policy: Statement[] }[];
  readonly keys: { arn: string; policy: Statement[] }[];
  readonly secrets: { logicalId: string; arn: string; generate?: Record<string, unknown> }[];
  readonly alarms: { logicalId: string; name: string; arn: string; properties: Record<string, unknown> }[];
  readonly rules: { logicalId: string; arn: string; properties: Record<string, unknown> }[];
  readonly lambdaPermissions: Record<string, unknown>[];
  readonly functionUrls: { logicalId: string; url: string; functionArn: string; authType: string }[];
  readonly stateMachines: {
    logicalId: string;
    arn: string;
    roleArn: string;
    definition: string;
    statements: Statement[];
  }[];
}

const of = (template: CfnTemplate, type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

const asStatements = (document: unknown): Statement[] => {
  const statements = (document as { Statement?: unknown } | undefined)?.Statement;
  return Array.isArray(statements) ? (statements as Statement[]) : [];
};

export function readTemplate(template: CfnTemplate, context: ResolveContext): TemplateModel {
  const resolve = (value: unknown, where: string) => resolveIntrinsics(value, context, where);
  const physical = (logicalId: string): PhysicalResource => {
    const found = context.resources.get(logicalId);
    if (!found) throw new Error(`no local identity for ${logicalId}`);
    return found;
  };
  const properties = (resource: TemplateResource) => resource.Properties ?? {};

  // Role → statements of every AWS::IAM::Policy attached to it.
  const statementsByRole = new Map<string, Statement[]>();
  for (const [logicalId, policy] of of(template, 'AWS::IAM::Policy')) {
    const props = properties(policy);
    const statements = asStatements(resolve(props.PolicyDocument, logicalId));
    for (const role of (props.Roles as unknown[] | undefined) ?? []) {
      const roleName = resolveString(role, context, logicalId);
      statementsByRole.set(roleName, [...(statementsByRole.get(roleName) ?? []), ...statements]);
    }
  }
  const roleStatements = (roleArn: string) => statementsByRole.get(roleArn.split('/').pop() ?? '') ?? [];

  const functions = of(template, 'AWS::Lambda::Function').map(([logicalId, resource]): FunctionModel => {
    const props = properties(resource);
    const where = `function ${logicalId}`;
    const variables = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables ?? {}) as Record<string, unknown>;
    const roleArn = resolveString(props.Role, context, where);
    return {
      logicalId,
      name: physical(logicalId).ref,
      arn: physical(logicalId).attributes.Arn ?? '',
      roleArn,
      environment: Object.fromEntries(
        Object.entries(variables).map(([name, value]) => [
          name,
          resolveString(value, context, `${where} env ${name}`),
        ]),
      ),
      statements: roleStatements(roleArn),
      memoryMb: Number(props.MemorySize ?? 128),
      timeoutMs: Number(props.Timeout ?? 3) * 1000,
    };
  });

  return {
    functions,
    tables: of(template, 'AWS::DynamoDB::Table').map(([logicalId, resource]) => ({
      logicalId,
      name: physical(logicalId).ref,
      properties: properties(resource),
    })),
    topics: of(template, 'AWS::SNS::Topic').map(([logicalId, resource]) => {
      const arn = physical(logicalId).ref;
      const policy = of(template, 'AWS::SNS::TopicPolicy')
        .filter(([, topicPolicy]) =>
          ((properties(topicPolicy).Topics as unknown[]) ?? []).some(
            (topic) => resolveString(topic, context, logicalId) === arn,
          ),
        )
        .flatMap(([policyId, topicPolicy]) =>
          asStatements(resolve(properties(topicPolicy).PolicyDocument, policyId)),
        );
      const key = properties(resource).KmsMasterKeyId;
      return {
        logicalId,
        arn,
        kmsKeyArn: key === undefined ? undefined : resolveString(key, context, logicalId),
        policy,
      };
    }),
    keys: of(template, 'AWS::KMS::Key').map(([logicalId, resource]) => ({
      arn: physical(logicalId).attributes.Arn ?? '',
      policy: asStatements(resolve(properties(resource).KeyPolicy, logicalId)),
    })),
    secrets: of(template, 'AWS::SecretsManager::Secret').map(([logicalId, resource]) => ({
      logicalId,
      arn: physical(logicalId).ref,
      generate: properties(resource).GenerateSecretString as Record<string, unknown> | undefined,
    })),
    alarms: of(template, 'AWS::CloudWatch::Alarm').map(([logicalId, resource]) => ({
      logicalId,
      name: physical(logicalId).ref,
      arn: physical(logicalId).attributes.Arn ?? '',
      properties: resolve(properties(resource), logicalId) as Record<string, unknown>,
    })),
    rules: of(template, 'AWS::Events::Rule').map(([logicalId, resource]) => ({
      logicalId,
      arn: physical(logicalId).attributes.Arn ?? '',
      properties: resolve(properties(resource), logicalId) as Record<string, unknown>,
    })),
    lambdaPermissions: of(template, 'AWS::Lambda::Permission').map(
      ([logicalId, resource]) => resolve(properties(resource), logicalId) as Record<string, unknown>,
    ),
    functionUrls: of(template, 'AWS::Lambda::Url').map(([logicalId, resource]) => ({
      logicalId,
      url: physical(logicalId).attributes.FunctionUrl ?? '',
      functionArn: resolveString(properties(resource).TargetFunctionArn, context, logicalId),
      authType: String(properties(resource).AuthType),
    })),
    stateMachines: of(template, 'AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => {
      const roleArn = resolveString(properties(resource).RoleArn, context, logicalId);
      return {
        logicalId,
        arn: physical(logicalId).ref,
        roleArn,
        definition: resolveString(properties(resource).DefinitionString, context, logicalId),
        statements: roleStatements(roleArn),
      };
    }),
  };
}
