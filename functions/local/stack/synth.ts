/**
 * The stack as `cdk synth` produces it, built in this process from lib/ — the one source of
 * what runs locally. With `bundle`, esbuild bundles every Lambda exactly as for a deploy and each
 * function points at its bundle in the cloud assembly; without, at its TypeScript entry.
 */
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { type BuildAppOptions, buildApp } from '../../../lib/app.ts';
import { SentinelFunction } from '../../../lib/sentinel-function.ts';
import type { TemplateResource } from './physical.ts';

export interface CfnTemplate {
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, unknown>;
}

/** One Lambda of the template and the code that backs it. */
export interface SynthesizedFunction {
  readonly logicalId: string;
  /** Its construct path below the stack, e.g. `Ingestion/IngestFunction`. */
  readonly path: string;
  /** The TypeScript module its NodejsFunction bundles (exports `handler`). */
  readonly entry: string;
  /** With bundling: the bundle (`index.mjs` in the cloud assembly) that deploys. */
  readonly bundle?: string;
  /** The workflow step it implements, if it is one. */
  readonly step?: string;
}

export interface SynthesizedStack {
  readonly stackName: string;
  readonly template: CfnTemplate;
  readonly functions: SynthesizedFunction[];
  readonly stateMachineLogicalId: string;
}

export interface SynthOptions extends Pick<BuildAppOptions, 'context' | 'stack'> {
  /** Bundle with esbuild into `outdir` (as a deploy would). @default false */
  readonly bundle?: boolean;
  /** The cloud assembly directory. @default - a temporary directory CDK picks */
  readonly outdir?: string;
}

export function synthesizeStack(options: SynthOptions = {}): SynthesizedStack {
  const { app, stack } = buildApp({
    context: { ...options.context, ...(options.bundle ? { 'aws:cdk:enable-asset-metadata': true } : {}) },
    stack: options.stack,
    bundle: options.bundle ?? false,
    outdir: options.outdir,
  });
  const assembly = app.synth();
  const template = assembly.getStackArtifact(stack.artifactId).template as CfnTemplate;
  const stepOf = new Map<SentinelFunction, string>(
    Object.entries(stack.workflow.functions).map(([step, fn]) => [fn, step]),
  );
  const functions = stack.node
    .findAll()
    .filter((construct): construct is SentinelFunction => construct instanceof SentinelFunction)
    .map((fn): SynthesizedFunction => {
      const logicalId = Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnFunction);
      const assetPath = template.Resources[logicalId]?.Metadata?.['aws:asset:path'];
      return {
        logicalId,
        path: fn.node.path.split('/').slice(1).join('/'),
        entry: fn.entry,
        bundle:
          options.bundle && typeof assetPath === 'string'
            ? join(assembly.directory, assetPath, 'index.mjs')
            : undefined,
        step: stepOf.get(fn),
      };
    });
  return {
    stackName: stack.stackName,
    template,
    functions,
    stateMachineLogicalId: Stack.of(stack).getLogicalId(
      stack.workflow.stateMachine.node.defaultChild as CfnStateMachine,
    ),
  };
}
