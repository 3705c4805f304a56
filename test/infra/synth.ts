/** Synthesizes the real stack (lib/app.ts, as bin/app.ts does) without bundling, for Template assertions. */
import { Template } from 'aws-cdk-lib/assertions';
import { type BuildAppOptions, buildApp } from '../../lib/app.ts';

/** The application repository the tests deploy against (`-c repository=…` is required). */
export const TEST_REPOSITORY = 'acme/shopq';

/** The stack as `cdk synth -c repository=acme/shopq` builds it; `options.context` adds to (or overrides) that. */
export function synthTemplate(options: Omit<BuildAppOptions, 'bundle'> = {}): Template {
  const { stack } = buildApp({
    ...options,
    context: { repository: TEST_REPOSITORY, ...options.context },
    bundle: false,
  });
  return Template.fromStack(stack);
}

export type Resource = { Type: string; Properties: Record<string, unknown> };

export interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: ChoiceRule[];
  Resource?: string;
  Parameters?: Record<string, unknown>;
  ResultPath?: string | null;
  TimeoutSeconds?: number;
  Seconds?: number;
  SecondsPath?: string;
  Error?: string;
  Retry?: { ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
}
export interface ChoiceRule {
  Next?: string;
  Variable?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  IsPresent?: boolean;
  BooleanEquals?: boolean;
  StringEquals?: string;
}
export interface Asl {
  StartAt: string;
  States: Record<string, AslState>;
}

/**
 * The state machine's DefinitionString, parsed: the Fn::Join is joined, each CloudFormation
 * token replaced by `<<LogicalId.Attr>>` / `<<Ref:Name>>` (they sit inside JSON strings).
 */
export function parseDefinition(template: Template): { asl: Asl; logicalId: string } {
  const machines = template.findResources('AWS::StepFunctions::StateMachine') as Record<string, Resource>;
  const entries = Object.entries(machines);
  if (entries.length !== 1) throw new Error(`expected one state machine, found ${entries.length}`);
  const [logicalId, machine] = entries[0] as [string, Resource];
  const join = (machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = join[1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const token = part as { 'Fn::GetAtt'?: [string, string]; Ref?: string };
      if (token['Fn::GetAtt']) return `<<${token['Fn::GetAtt'].join('.')}>>`;
      if (token.Ref) return `<<Ref:${token.Ref}>>`;
      throw new Error(`unexpected token ${JSON.stringify(part)}`);
    })
    .join(join[0]);
  return { asl: JSON.parse(text) as Asl, logicalId };
}

/** Does a Choice rule hold for `data`? (The subset of the Choice language the definition uses.) */
export function ruleHolds(rule: ChoiceRule, data: unknown): boolean {
  if (rule.And) return rule.And.every((inner) => ruleHolds(inner, data));
  if (rule.Or) return rule.Or.some((inner) => ruleHolds(inner, data));
  if (!rule.Variable?.startsWith('$.')) throw new Error(`unsupported rule ${JSON.stringify(rule)}`);
  let value: unknown = data;
  for (const key of rule.Variable.slice(2).split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (rule.IsPresent !== undefined) return (value !== undefined) === rule.IsPresent;
  if (rule.BooleanEquals !== undefined) return value === rule.BooleanEquals;
  if (rule.StringEquals !== undefined) return value === rule.StringEquals;
  throw new Error(`unsupported rule ${JSON.stringify(rule)}`);
}

/**
 * Follows the definition from StartAt, deciding each Choice against `data` (which a real run
 * would have built from the task results), until a terminal state or `maxSteps`.
 */
export function walk(asl: Asl, data: unknown, maxSteps = 60): string[] {
  const path: string[] = [];
  let name: string | undefined = asl.StartAt;
  while (name !== undefined && path.length < maxSteps) {
    path.push(name);
    const state: AslState | undefined = asl.States[name];
    if (!state) throw new Error(`state ${name} does not exist`);
    if (state.Type === 'Choice') {
      name = state.Choices?.find((rule) => ruleHolds(rule, data))?.Next ?? state.Default;
    } else {
      name = state.Next;
    }
  }
  return path;
}
