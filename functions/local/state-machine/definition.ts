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
import { type PhysicalResource, resolveString } from '../stack/intrinsics.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../stack/physical.ts';

const LAMBDA_ARN_PREFIX = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:`;

export type AslDefinition = StateMachineDefinition;

/**
 * Synthesizes the stack in-process (`buildApp`, as bin/app.ts does) and returns the rollback
 * state machine's ASL with placeholder ARNs. `options.stack` builds variants (e.g. renamed states).
 * Its tokens resolve with the local stack's intrinsics (`../stack/intrinsics.ts`), in which only
 * the step Lambdas exist: `Ref` is the step's name, `Fn::GetAtt … Arn` its placeholder ARN; a
 * token naming anything else throws UnresolvableIntrinsicError.
 */
export function loadDefinition(options: Pick<BuildAppOptions, 'context' | 'stack'> = {}): AslDefinition {
  const outdir = mkdtempSync(join(tmpdir(), 'sentinel-synth-'));
  try {
    // The stack requires `-c repository`; the ASL does not depend on it, so a placeholder does.
    const context = { repository: 'local/application', ...options.context };
    const { app, stack } = buildApp({ ...options, context, bundle: false, outdir });
    const stepLambdas = new Map<string, PhysicalResource>();
    for (const [step, fn] of Object.entries(stack.workflow.functions)) {
      stepLambdas.set(Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnFunction), {
        ref: step, // Ref of a function is its name
        attributes: { Arn: `${LAMBDA_ARN_PREFIX}${step}` },
      });
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
    const text = resolveString(
      resource.Properties?.DefinitionString,
      { region: LOCAL_REGION, account: LOCAL_ACCOUNT, stackName: stack.stackName, resources: stepLambdas },
      `${stateMachineId} DefinitionString`,
    );
    return JSON.parse(text) as AslDefinition;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
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
