/** An EventBridge pattern construct this matcher does not implement: refused, never guessed. */
export class UnsupportedEventPatternError extends Error {
  override readonly name = 'UnsupportedEventPatternError';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * EventBridge event-pattern matching: every pattern field must match (AND); a field's array of
 * values matches when any one does (OR), against a scalar or any element of an array in the event;
 * nested objects recurse. Content filters: prefix, suffix, equals-ignore-case, anything-but,
 * exists, numeric; `$or` (any of its sub-patterns matches at that level). Other filters
 * (wildcard, cidr) throw UnsupportedEventPatternError.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new UnsupportedEventPatternError('an event pattern must be a JSON object');
  return matchObject(pattern, event);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function matchObject(pattern: Record<string, unknown>, value: unknown): boolean {
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(sub)) throw new UnsupportedEventPatternError('$or must be an array of patterns');
      if (!sub.some((alternative) => isObject(alternative) && matchObject(alternative, value))) return false;
      continue;
    }
    const field = isObject(value) ? value[key] : undefined;
    if (isObject(sub)) {
      if (!isObject(field)) return false;
      if (!matchObject(sub, field)) return false;
      continue;
    }
    if (!Array.isArray(sub))
      throw new UnsupportedEventPatternError(`pattern field ${key} must be an array or an object`);
    if (!matchField(sub, field)) return false;
  }
  return true;
}

function matchField(alternatives: unknown[], field: unknown): boolean {
  const values = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return alternatives.some((alternative) => {
    if (isObject(alternative)) {
      if ('exists' in alternative) return (alternative.exists === true) === (field !== undefined);
      return values.some((v) => matchFilter(alternative, v as Json));
    }
    return values.some((v) => v === alternative);
  });
}

function matchFilter(filter: Record<string, unknown>, value: Json): boolean {
  const [name, argument] = Object.entries(filter)[0] ?? [];
  switch (name) {
    case 'prefix':
      return typeof value === 'string' && typeof argument === 'string' && value.startsWith(argument);
    case 'suffix':
      return typeof value === 'string' && typeof argument === 'string' && value.endsWith(argument);
    case 'equals-ignore-case':
      return (
        typeof value === 'string' &&
        typeof argument === 'string' &&
        value.toLowerCase() === argument.toLowerCase()
      );
    case 'anything-but': {
      if (isObject(argument)) {
        if (typeof argument.prefix === 'string')
          return typeof value === 'string' && !value.startsWith(argument.prefix);
        throw new UnsupportedEventPatternError(
          `anything-but ${JSON.stringify(argument)} is not supported locally`,
        );
      }
      const excluded = Array.isArray(argument) ? argument : [argument];
      return !excluded.includes(value);
    }
    case 'numeric':
      return typeof value === 'number' && Array.isArray(argument) && numericMatch(argument, value);
    default:
      throw new UnsupportedEventPatternError(`event pattern filter ${String(name)} is not supported locally`);
  }
}

function numericMatch(conditions: unknown[], value: number): boolean {
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const op = conditions[i];
    const bound = conditions[i + 1] as number;
    const ok =
      op === '='
        ? value === bound
        : op === '<'
          ? value < bound
          : op === '<='
            ? value <= bound
            : op === '>'
              ? value > bound
              : op === '>='
                ? value >= bound
                : undefined;
    if (ok === undefined)
      throw new UnsupportedEventPatternError(`numeric operator ${String(op)} is not supported`);
    if (!ok) return false;
  }
  return true;
}

/** Walks a whole pattern and throws UnsupportedEventPatternError for anything `matchesPattern` cannot do. */
export function assertSupportedPattern(pattern: unknown, path = 'pattern'): void {
  if (!isObject(pattern)) throw new UnsupportedEventPatternError(`${path} must be a JSON object`);
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(sub) || sub.length === 0)
        throw new UnsupportedEventPatternError(`${path}.$or must be a non-empty array of patterns`);
      for (const [index, alternative] of sub.entries())
        assertSupportedPattern(alternative, `${path}.$or[${index}]`);
      continue;
    }
    if (isObject(sub)) {
      assertSupportedPattern(sub, `${path}.${key}`);
      continue;
    }
    if (!Array.isArray(sub))
      throw new UnsupportedEventPatternError(`${path}.${key} must be an array or an object`);
    for (const alternative of sub) {
      if (!isObject(alternative) || 'exists' in alternative) continue;
      // Probing each filter with a value of every type reaches every branch that can throw.
      for (const probe of ['', 0]) matchFilter(alternative, probe);
    }
  }
}
