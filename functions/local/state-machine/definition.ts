/**
 * The workflow definition, as CDK synthesizes it from lib/ — the local runner never reads a
 * hand-written copy. `loadDefinition()` builds the same stack as `cdk synth` (without bundling),
 * takes the state machine's DefinitionString and replaces its CloudFormation tokens with
 * placeholder ARNs, so aws-local-stepfunctions' ARN validation passes. Each step Lambda becomes
 * `arn:aws:lambda:us-east-1:123456789012:function:<step>`, which is how `taskSteps()` later
 * knows which handler a state runs, whatever the state is called.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { type BuildAppOptions, buildApp } from '../../../lib/app.ts';

export const PLACEHOLDER_REGION = 'us-east-1';
export const PLACEHOLDER_ACCOUNT = '123456789012';
const LAMBDA_ARN_PREFIX = `arn:aws:lambda:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:function:`;

export type AslDefinition = StateMachineDefinition;

/** The definition references something the runner has no placeholder for. */
export class UnresolvableTokenError extends Error {
  override readonly name = 'UnresolvableTokenError';
}

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': PLACEHOLDER_REGION,
  'AWS::AccountId': PLACEHOLDER_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * Synthesizes the stack in-process (`buildApp`, as bin/app.ts does) and returns the rollback
 * state machine's ASL with placeholder ARNs. `options.stack` builds variants (e.g. renamed states).
 */
export function loadDefinition(options: Pick<BuildAppOptions, 'context' | 'stack'> = {}): AslDefinition {
  const outdir = mkdtempSync(join(tmpdir(), 'sentinel-synth-'));
  try {
    // The stack requires `-c repository`; the ASL does not depend on it, so a placeholder does.
    const context = { repository: 'local/application', ...options.context };
    const { app, stack } = buildApp({ ...options, context, bundle: false, outdir });
    const stepByLogicalId = new Map<string, string>();
    for (const [step, fn] of Object.entries(stack.workflow.functions)) {
      stepByLogicalId.set(Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnFunction), step);
    }
    const stateMachineId = Stack.of(stack).getLogicalId(
      stack.workflow.stateMachine.node.defaultChild as CfnStateMachine,
    );
    const template = app.synth().getStackArtifact(stack.artifactId).template as {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    };
    const resource = template.Resources[stateMachineId];
    if (resource?.Type !== 'AWS::StepFunctions::StateMachine') {
      throw new Error(`state machine ${stateMachineId} not found in the synthesized template`);
    }
    const text = resolveToken(resource.Properties?.DefinitionString, stepByLogicalId);
    return JSON.parse(text) as AslDefinition;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Resolves `Fn::Join`, `Fn::GetAtt … Arn` of the step Lambdas and `Ref` of pseudo parameters. */
export function resolveToken(value: unknown, stepByLogicalId: ReadonlyMap<string, string>): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UnresolvableTokenError(`unexpected token ${JSON.stringify(value)}`);
  }
  const [intrinsic, ...rest] = Object.keys(value);
  const argument = (value as Record<string, unknown>)[intrinsic ?? ''];
  if (intrinsic === undefined || rest.length > 0) {
    throw new UnresolvableTokenError(`unexpected token ${JSON.stringify(value)}`);
  }
  if (intrinsic === 'Fn::Join' && Array.isArray(argument) && typeof argument[0] === 'string') {
    const parts: unknown = argument[1];
    if (!Array.isArray(parts))
      throw new UnresolvableTokenError(`Fn::Join without a list: ${JSON.stringify(value)}`);
    return parts.map((part) => resolveToken(part, stepByLogicalId)).join(argument[0]);
  }
  if (intrinsic === 'Ref' && typeof argument === 'string') {
    const pseudo = PSEUDO_PARAMETERS[argument];
    if (pseudo !== undefined) return pseudo;
    const step = stepByLogicalId.get(argument);
    if (step !== undefined) return step; // Ref of a function is its name
  }
  if (intrinsic === 'Fn::GetAtt' && Array.isArray(argument) && argument[1] === 'Arn') {
    const step = stepByLogicalId.get(String(argument[0]));
    if (step !== undefined) return `${LAMBDA_ARN_PREFIX}${step}`;
  }
  throw new UnresolvableTokenError(
    `the definition references ${JSON.stringify(value)}, which is not a step Lambda of the workflow; ` +
      'give the local runner a placeholder for it in functions/local/state-machine/definition.ts',
  );
}

/**
 * State name → step (the Lambda it invokes) for every Task state, read from the placeholder ARNs
 * (`Resource`, or `Parameters.FunctionName` for `arn:aws:states:::lambda:invoke*`).
 */
export function taskSteps(definition: AslDefinition): Record<string, string> {
  const steps: Record<string, string> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') continue;
    const functionArn = state.Resource.startsWith('arn:aws:states:::lambda:invoke')
      ? (state.Parameters as Record<string, unknown> | undefined)?.FunctionName
      : state.Resource;
    if (typeof functionArn === 'string' && functionArn.startsWith(LAMBDA_ARN_PREFIX)) {
      steps[name] = functionArn.slice(LAMBDA_ARN_PREFIX.length);
    }
  }
  return steps;
}
