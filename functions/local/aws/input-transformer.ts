export interface InputTransformer {
  inputPathsMap?: Readonly<Record<string, string>>;
  inputTemplate: string;
}

/** A JSON path of the simple form EventBridge input paths use: `$`, `$.a.b`, `$.a[0]`. */
export function readPath(event: unknown, path: string): unknown {
  if (path === '$') return event;
  if (!path.startsWith('$.')) return undefined;
  let value: unknown = event;
  for (const part of path.slice(2).split('.')) {
    const match = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!match) return undefined;
    value = (value as Record<string, unknown> | undefined)?.[match[1] as string];
    for (const index of (match[2] ?? '').match(/\d+/g) ?? [])
      value = (value as unknown[] | undefined)?.[Number(index)];
  }
  return value;
}

/**
 * Applies an input transformer: each `<name>` placeholder takes the value its path selects — a
 * string as its (JSON-escaped) text, anything else as JSON — plus the predefined `aws.events.*`
 * variables. The result is the exact text the target receives.
 */
export function applyInputTransformer(
  transformer: InputTransformer,
  event: unknown,
  rule: { arn: string; name: string },
): string {
  const values = new Map<string, unknown>();
  for (const [name, path] of Object.entries(transformer.inputPathsMap ?? {}))
    values.set(name, readPath(event, path));
  values.set('aws.events.rule-arn', rule.arn);
  values.set('aws.events.rule-name', rule.name);
  values.set('aws.events.event', event);
  values.set('aws.events.event.json', event);
  values.set('aws.events.event.ingestion-time', new Date().toISOString());
  return transformer.inputTemplate.replace(/<([A-Za-z0-9_.-]+)>/g, (whole, name: string) => {
    if (!values.has(name)) return whole;
    const value = values.get(name);
    if (value === undefined) return '';
    return typeof value === 'string' ? JSON.stringify(value).slice(1, -1) : JSON.stringify(value);
  });
}
