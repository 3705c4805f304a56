/**
 * The subset of CloudWatch metric math that the template's alarms use, with CloudWatch's rules
 * for missing datapoints (Amazon CloudWatch User Guide, "Metric math syntax and functions"):
 *
 * - arithmetic `+ - * /` and comparisons `== != < <= > >=`, `AND` / `&&`, `OR` / `||`: a value
 *   missing from one of two time series counts as 0; a division by 0 drops that datapoint;
 * - `IF(condition, trueValue[, falseValue])`: per datapoint of a time-series condition; a true
 *   condition takes trueValue (0 where that time series has no datapoint), a false one takes
 *   falseValue, and drops the datapoint where falseValue is omitted or has none.
 *
 * Anything else is refused when the expression is parsed, so an alarm is never judged on a guess.
 */

/** A time series: datapoint timestamp (ms) → value. */
export type Series = ReadonlyMap<number, number>;
export type MathValue = number | Series;

type Node =
  | { kind: 'number'; value: number }
  | { kind: 'id'; name: string }
  | { kind: 'negate'; operand: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node }
  | { kind: 'if'; condition: Node; then: Node; otherwise?: Node };

export class UnsupportedExpressionError extends Error {
  override readonly name = 'UnsupportedExpressionError';
}

const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|<=|>=|&&|\|\||[-+*/<>(),]))/y;
/** Binding strength of each binary operator, loosest first. */
const PRECEDENCE: Record<string, number> = {
  OR: 1,
  '||': 1,
  AND: 2,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
};

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw new UnsupportedExpressionError(`cannot read "${text.slice(at).trim()}" in "${text}"`);
    tokens.push((match[1] ?? match[2] ?? match[3]) as string);
  }
  return tokens;
}

/** A parsed expression; `ids` are the query ids it reads. */
export interface ParsedExpression {
  readonly ids: ReadonlySet<string>;
  evaluate(values: ReadonlyMap<string, MathValue>): MathValue;
}

export function parseExpression(text: string): ParsedExpression {
  const tokens = tokenize(text);
  let at = 0;
  const ids = new Set<string>();
  const peek = () => tokens[at];
  const expect = (token: string) => {
    if (tokens[at] !== token) throw new UnsupportedExpressionError(`expected "${token}" in "${text}"`);
    at += 1;
  };
  const binaryOp = (token: string | undefined) => {
    const op = token === 'and' || token === 'or' ? token.toUpperCase() : token;
    return op !== undefined && op in PRECEDENCE ? op : undefined;
  };
  const primary = (): Node => {
    const token = tokens[at++];
    if (token === undefined) throw new UnsupportedExpressionError(`"${text}" ends too early`);
    if (token === '(') {
      const inner = expression(0);
      expect(')');
      return inner;
    }
    if (token === '-') return { kind: 'negate', operand: primary() };
    if (/^\d/.test(token)) return { kind: 'number', value: Number(token) };
    if (/^[A-Za-z_]/.test(token)) {
      if (peek() !== '(') {
        ids.add(token);
        return { kind: 'id', name: token };
      }
      if (token.toUpperCase() !== 'IF')
        throw new UnsupportedExpressionError(`function ${token} in "${text}"`);
      expect('(');
      const condition = expression(0);
      expect(',');
      const then = expression(0);
      let otherwise: Node | undefined;
      if (peek() === ',') {
        at += 1;
        otherwise = expression(0);
      }
      expect(')');
      return { kind: 'if', condition, then, ...(otherwise ? { otherwise } : {}) };
    }
    throw new UnsupportedExpressionError(`unexpected "${token}" in "${text}"`);
  };
  const expression = (minPrecedence: number): Node => {
    let left = primary();
    for (let op = binaryOp(peek()); op && (PRECEDENCE[op] as number) > minPrecedence; op = binaryOp(peek())) {
      at += 1;
      left = { kind: 'binary', op, left, right: expression(PRECEDENCE[op] as number) };
    }
    return left;
  };
  const root = expression(0);
  if (at !== tokens.length) throw new UnsupportedExpressionError(`unexpected "${tokens[at]}" in "${text}"`);
  return { ids, evaluate: (values) => evaluateNode(root, values) };
}

function evaluateNode(node: Node, values: ReadonlyMap<string, MathValue>): MathValue {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'id': {
      const value = values.get(node.name);
      if (value === undefined) throw new UnsupportedExpressionError(`no query with id ${node.name}`);
      return value;
    }
    case 'negate':
      return combine(0, evaluateNode(node.operand, values), '-');
    case 'binary':
      return combine(evaluateNode(node.left, values), evaluateNode(node.right, values), node.op);
    case 'if':
      return evaluateIf(node, values);
  }
}

/** Scalar result, or undefined to drop the datapoint (division by zero). */
function apply(a: number, b: number, op: string): number | undefined {
  const truth = (x: boolean) => (x ? 1 : 0);
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? undefined : a / b;
    case '==':
      return truth(a === b);
    case '!=':
      return truth(a !== b);
    case '<':
      return truth(a < b);
    case '<=':
      return truth(a <= b);
    case '>':
      return truth(a > b);
    case '>=':
      return truth(a >= b);
    case 'AND':
    case '&&':
      return truth(a !== 0 && b !== 0);
    default:
      return truth(a !== 0 || b !== 0);
  }
}

function combine(left: MathValue, right: MathValue, op: string): MathValue {
  if (typeof left === 'number' && typeof right === 'number') return apply(left, right, op) ?? Number.NaN;
  const timestamps = new Set([...seriesKeys(left), ...seriesKeys(right)]);
  const result = new Map<number, number>();
  for (const t of [...timestamps].sort((a, b) => a - b)) {
    const value = apply(valueAt(left, t), valueAt(right, t), op);
    if (value !== undefined) result.set(t, value);
  }
  return result;
}

const seriesKeys = (value: MathValue) => (typeof value === 'number' ? [] : [...value.keys()]);
/** A scalar everywhere; a series' missing datapoint counts as 0. */
const valueAt = (value: MathValue, t: number) => (typeof value === 'number' ? value : (value.get(t) ?? 0));

function evaluateIf(node: Extract<Node, { kind: 'if' }>, values: ReadonlyMap<string, MathValue>): MathValue {
  const condition = evaluateNode(node.condition, values);
  const then = evaluateNode(node.then, values);
  const otherwise = node.otherwise ? evaluateNode(node.otherwise, values) : undefined;
  if (typeof condition === 'number') return condition !== 0 ? then : (otherwise ?? new Map());
  const result = new Map<number, number>();
  for (const [t, c] of condition) {
    if (c !== 0) result.set(t, valueAt(then, t));
    else if (typeof otherwise === 'number') result.set(t, otherwise);
    else if (otherwise?.has(t)) result.set(t, otherwise.get(t) as number);
  }
  return result;
}
