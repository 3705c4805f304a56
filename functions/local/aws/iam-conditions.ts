import { wildcardMatch } from './wildcard.ts';

export type ConditionValue = string | number | boolean;
/** `Condition` block of a statement: operator → condition key → value(s). */
export type ConditionBlock = Readonly<
  Record<string, Readonly<Record<string, ConditionValue | readonly ConditionValue[]>>>
>;
/** Request context: condition key → value(s); absent keys are simply not present. */
export type RequestContext = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A condition operator this evaluator does not know: the statement fails closed. */
export class UnsupportedConditionOperatorError extends Error {
  override readonly name = 'UnsupportedConditionOperatorError';
}

type Compare = (policyValue: string, contextValue: string) => boolean;

const number = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));
const date = (text: string): number => (/^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text));
const numeric =
  (test: (context: number, policy: number) => boolean, parse = number): Compare =>
  (p, c) => {
    const pv = parse(p);
    const cv = parse(c);
    return !Number.isNaN(pv) && !Number.isNaN(cv) && test(cv, pv);
  };

/** Positive operators; each `...Not...` operator is the negation of its positive twin. */
const POSITIVE: Record<string, Compare> = {
  stringequals: (p, c) => p === c,
  stringequalsignorecase: (p, c) => p.toLowerCase() === c.toLowerCase(),
  stringlike: (p, c) => wildcardMatch(p, c),
  // ArnEquals and ArnLike behave the same in IAM: both accept wildcards, case-sensitively.
  arnequals: (p, c) => wildcardMatch(p, c),
  arnlike: (p, c) => wildcardMatch(p, c),
  bool: (p, c) => p.toLowerCase() === c.toLowerCase(),
  numericequals: numeric((c, p) => c === p),
  numericlessthan: numeric((c, p) => c < p),
  numericlessthanequals: numeric((c, p) => c <= p),
  numericgreaterthan: numeric((c, p) => c > p),
  numericgreaterthanequals: numeric((c, p) => c >= p),
  dateequals: numeric((c, p) => c === p, date),
  datelessthan: numeric((c, p) => c < p, date),
  datelessthanequals: numeric((c, p) => c <= p, date),
  dategreaterthan: numeric((c, p) => c > p, date),
  dategreaterthanequals: numeric((c, p) => c >= p, date),
};
const NEGATED: Record<string, string> = {
  stringnotequals: 'stringequals',
  stringnotequalsignorecase: 'stringequalsignorecase',
  stringnotlike: 'stringlike',
  arnnotequals: 'arnequals',
  arnnotlike: 'arnlike',
  numericnotequals: 'numericequals',
  datenotequals: 'dateequals',
};

interface ParsedOperator {
  set?: 'any' | 'all';
  base: string;
  negated: boolean;
  ifExists: boolean;
}

function parseOperator(operator: string): ParsedOperator {
  let rest = operator;
  let set: ParsedOperator['set'];
  const qualifier = /^(ForAnyValue|ForAllValues):/i.exec(rest);
  if (qualifier) {
    set = qualifier[1]?.toLowerCase() === 'foranyvalue' ? 'any' : 'all';
    rest = rest.slice(qualifier[0].length);
  }
  let ifExists = false;
  if (/IfExists$/i.test(rest) && rest.toLowerCase() !== 'null') {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const lower = rest.toLowerCase();
  if (lower === 'null') return { set, base: 'null', negated: false, ifExists: false };
  if (POSITIVE[lower]) return { set, base: lower, negated: false, ifExists };
  const positive = NEGATED[lower];
  if (positive) return { set, base: positive, negated: true, ifExists };
  throw new UnsupportedConditionOperatorError(`unsupported condition operator ${operator}`);
}

function contextValues(context: RequestContext, key: string): readonly string[] | undefined {
  // Condition key names are case-insensitive in IAM.
  const lower = key.toLowerCase();
  for (const [name, value] of Object.entries(context)) {
    if (name.toLowerCase() !== lower || value === undefined) continue;
    return typeof value === 'string' ? [value] : value;
  }
  return undefined;
}

function keyMatches(
  op: ParsedOperator,
  policyValues: readonly string[],
  values: readonly string[] | undefined,
) {
  if (op.base === 'null') {
    // Null: "true" asks for the key to be absent, "false" for it to be present.
    const absent = values === undefined || values.length === 0;
    return policyValues.some((p) => (p.toLowerCase() === 'true') === absent);
  }
  const compare = POSITIVE[op.base] as Compare;
  const matchesOne = (value: string) => policyValues.some((p) => compare(p, value));
  if (values === undefined || values.length === 0) {
    if (op.set === 'all') return true; // ForAllValues is vacuously true over an empty set.
    if (op.set === 'any') return false;
    return op.ifExists || op.negated; // A negated operator on an absent key matches.
  }
  if (op.set === 'all') return values.every((v) => (op.negated ? !matchesOne(v) : matchesOne(v)));
  if (op.set === 'any') return values.some((v) => (op.negated ? !matchesOne(v) : matchesOne(v)));
  // Single-valued operator: values within the key are OR; negation applies to the whole match.
  const any = values.some(matchesOne);
  return op.negated ? !any : any;
}

/**
 * True when every operator and every key of the block matches the context (AND), a key matching
 * when any of its policy values does (OR). Throws UnsupportedConditionOperatorError.
 */
export function conditionsMatch(block: ConditionBlock | undefined, context: RequestContext): boolean {
  if (!block) return true;
  let all = true;
  for (const [operator, keys] of Object.entries(block)) {
    const op = parseOperator(operator); // parse every operator first: an unknown one must throw
    for (const [key, raw] of Object.entries(keys)) {
      const policyValues = (Array.isArray(raw) ? raw : [raw]).map(String);
      if (!keyMatches(op, policyValues, contextValues(context, key))) all = false;
    }
  }
  return all;
}
