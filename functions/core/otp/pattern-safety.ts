/**
 * Refuses user regexes that look able to backtrack catastrophically. A heuristic, on purpose
 * strict: a repeated group that itself holds a repetition or an alternation ("(a+)+", "(a|ab)*",
 * "(\d+\s?){2,}") is rejected, as are back-references and very long sources. Bounded repetition
 * of a plain group ("(?:\d{3}[ -]?){2}") is fine.
 */
export const MAX_PATTERN_LENGTH = 300;

interface Group {
  repeats: boolean;
  repeatsUnbounded: boolean;
  alternates: boolean;
}

/** Why the source is refused, or undefined when it compiles and looks safe. */
export function patternProblem(source: string): string | undefined {
  if (source.length === 0) return 'must not be empty';
  if (source.length > MAX_PATTERN_LENGTH) return `must be at most ${MAX_PATTERN_LENGTH} characters`;
  try {
    new RegExp(source, 'iu');
  } catch (error) {
    return `does not compile as a regular expression: ${(error as Error).message}`;
  }
  if (/\\[1-9]|\\k</.test(source)) return 'uses a back-reference, which can backtrack exponentially';
  if (new RegExp(source, 'iu').test('')) return 'matches the empty text, so it would match every snippet';
  return nestedQuantifier(source);
}

function nestedQuantifier(source: string): string | undefined {
  const stack: Group[] = [{ repeats: false, repeatsUnbounded: false, alternates: false }];
  let index = 0;
  while (index < source.length) {
    const char = source[index] as string;
    if (char === '\\') {
      index += 2;
      index = afterQuantifier(source, index, stack);
      continue;
    }
    if (char === '[') {
      index = endOfClass(source, index);
      index = afterQuantifier(source, index, stack);
      continue;
    }
    if (char === '(') {
      stack.push({ repeats: false, repeatsUnbounded: false, alternates: false });
      index += 1;
      continue;
    }
    if (char === '|') {
      (stack.at(-1) as Group).alternates = true;
      index += 1;
      continue;
    }
    if (char === ')') {
      const group = stack.pop() as Group;
      if (stack.length === 0) return 'has an unbalanced ")"';
      index += 1;
      const quantifier = readQuantifier(source, index);
      if (quantifier !== undefined) {
        if (quantifier.unbounded && (group.repeats || group.alternates)) {
          return 'has a nested quantifier: a group repeated without bound that itself repeats or alternates, such as (a+)+ or (a|ab)*, can backtrack exponentially; bound it, e.g. (?:ab){1,5}';
        }
        if (quantifier.repeats && group.repeatsUnbounded) {
          return 'has a nested quantifier: a repeated group holding an unbounded repetition, such as (\\d+ ?){2}, can backtrack exponentially; bound the inner repetition, e.g. \\d{1,6}';
        }
        index = quantifier.end;
      }
      const parent = stack.at(-1) as Group;
      parent.repeats ||= group.repeats || quantifier?.repeats === true;
      parent.repeatsUnbounded ||= group.repeatsUnbounded || quantifier?.unbounded === true;
      continue;
    }
    index += 1;
    index = afterQuantifier(source, index, stack);
  }
  return undefined;
}

/** After an atom: records its quantifier, if any, on the enclosing group. */
function afterQuantifier(source: string, index: number, stack: Group[]): number {
  const quantifier = readQuantifier(source, index);
  if (quantifier === undefined) return index;
  const group = stack.at(-1) as Group;
  group.repeats ||= quantifier.repeats;
  group.repeatsUnbounded ||= quantifier.unbounded;
  return quantifier.end;
}

function readQuantifier(
  source: string,
  index: number,
): { repeats: boolean; unbounded: boolean; end: number } | undefined {
  const char = source[index];
  let end: number;
  let repeats: boolean;
  let unbounded: boolean;
  if (char === '*' || char === '+') {
    end = index + 1;
    repeats = true;
    unbounded = true;
  } else if (char === '?') {
    end = index + 1;
    repeats = false;
    unbounded = false;
  } else if (char === '{') {
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(index));
    if (braces === null) return undefined;
    end = index + braces[0].length;
    const max = braces[2] === undefined ? Number(braces[1]) : braces[3] === '' ? Infinity : Number(braces[3]);
    repeats = max > 1;
    unbounded = max === Infinity;
  } else {
    return undefined;
  }
  if (source[end] === '?') end += 1;
  return { repeats, unbounded, end };
}

function endOfClass(source: string, start: number): number {
  let index = start + 1;
  if (source[index] === '^') index += 1;
  if (source[index] === ']') index += 1;
  while (index < source.length && source[index] !== ']') index += source[index] === '\\' ? 2 : 1;
  return index + 1;
}
