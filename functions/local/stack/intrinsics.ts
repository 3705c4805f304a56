/**
 * Resolves CloudFormation intrinsics in a synthesized template to the local stack's values, the
 * way CloudFormation would at deploy time: `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`,
 * `Fn::Select`, `Fn::Split` and the pseudo parameters. Anything else fails loudly, naming it.
 */

/** A resource's local identity: what `Ref` returns and its `Fn::GetAtt` attributes. */
export interface PhysicalResource {
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface ResolveContext {
  readonly region: string;
  readonly account: string;
  readonly stackName: string;
  readonly resources: ReadonlyMap<string, PhysicalResource>;
}

export class UnresolvableIntrinsicError extends Error {
  override readonly name = 'UnresolvableIntrinsicError';
}

function pseudo(name: string, context: ResolveContext): string | undefined {
  switch (name) {
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::Region':
      return context.region;
    case 'AWS::AccountId':
      return context.account;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return context.stackName;
    default:
      return undefined;
  }
}

function ref(name: string, context: ResolveContext, where: string): string {
  const value = pseudo(name, context) ?? context.resources.get(name)?.ref;
  if (value === undefined)
    throw new UnresolvableIntrinsicError(`${where}: Ref ${name} names no resource of the stack`);
  return value;
}

function getAtt(logicalId: string, attribute: string, context: ResolveContext, where: string): string {
  const resource = context.resources.get(logicalId);
  const value = resource?.attributes[attribute];
  if (value === undefined) {
    throw new UnresolvableIntrinsicError(
      `${where}: Fn::GetAtt ${logicalId}.${attribute} has no local value (add it in functions/local/stack/physical.ts)`,
    );
  }
  return value;
}

/** Resolves every intrinsic inside `value` (objects and arrays are walked). */
export function resolveIntrinsics(value: unknown, context: ResolveContext, where = 'template'): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, context, where));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const [first] = entries;
  if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
    return resolveString(value, context, where);
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveIntrinsics(item, context, where)]));
}

/** Resolves one intrinsic (or plain string) to a string. */
export function resolveString(value: unknown, context: ResolveContext, where = 'template'): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UnresolvableIntrinsicError(`${where}: expected a string or an intrinsic`);
  }
  const [name, argument] = Object.entries(value as Record<string, unknown>)[0] ?? [];
  if (name === 'Ref' && typeof argument === 'string') return ref(argument, context, where);
  if (name === 'Fn::GetAtt') {
    const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
    return getAtt(String(logicalId), String(attribute), context, where);
  }
  if (name === 'Fn::Join' && Array.isArray(argument) && Array.isArray(argument[1])) {
    return (argument[1] as unknown[])
      .map((part) => resolveString(part, context, where))
      .join(String(argument[0]));
  }
  if (name === 'Fn::Select' && Array.isArray(argument)) {
    const list = resolveList(argument[1], context, where);
    const item = list[Number(argument[0])];
    if (item === undefined) throw new UnresolvableIntrinsicError(`${where}: Fn::Select index out of range`);
    return item;
  }
  if (name === 'Fn::Sub') {
    const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
    return String(text).replace(/\$\{([^}!]+)\}/g, (_, key: string) => {
      const variable = (variables as Record<string, unknown>)[key];
      if (variable !== undefined) return resolveString(variable, context, where);
      const [logicalId, attribute] = key.split('.');
      return attribute ? getAtt(String(logicalId), attribute, context, where) : ref(key, context, where);
    });
  }
  throw new UnresolvableIntrinsicError(`${where}: ${String(name)} is not supported by the local stack`);
}

function resolveList(value: unknown, context: ResolveContext, where: string): string[] {
  if (Array.isArray(value)) return value.map((item) => resolveString(item, context, where));
  const [name, argument] = Object.entries((value ?? {}) as Record<string, unknown>)[0] ?? [];
  if (name === 'Fn::Split' && Array.isArray(argument)) {
    return resolveString(argument[1], context, where).split(String(argument[0]));
  }
  throw new UnresolvableIntrinsicError(`${where}: expected a list`);
}
