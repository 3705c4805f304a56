/**
 * The first few characters any match of a regex source can start with, worked out from the
 * source itself: what lets a lexicon matcher try its regex only where a match could start
 * instead of at every position of the text.
 *
 * The answer may be too wide, never too narrow: whatever this reader does not understand (a
 * property class, a negated class, a large range, an unusual escape) stands for any character, and
 * a lookaround stands for nothing. `undefined` means a match could start anywhere.
 */

/** A prefix of at most `length` characters; `open`: anything may follow it. */
export interface Prefix {
  text: string;
  open: boolean;
}

/** The default prefix length. */
const LENGTH = 2;
const ANY: readonly Prefix[] = [{ text: '', open: true }];
const EMPTY: readonly Prefix[] = [{ text: '', open: false }];
/** Repetitions expanded one by one; more than this stands for any text. */
const MAX_REPEAT = 8;
/** Larger classes stand for any character. */
const MAX_CLASS = 64;

/** Every start (of up to `length` characters) of a match of `source`, or undefined if it could be anything. */
export function prefixesOf(source: string, length = LENGTH): Prefix[] | undefined {
  const reader = new Reader(source, length);
  let prefixes: readonly Prefix[];
  try {
    prefixes = reader.alternation();
  } catch {
    return undefined;
  }
  if (reader.index < source.length) return undefined;
  if (prefixes.some((prefix) => prefix.text === '')) return undefined;
  return [...prefixes];
}

function concat(left: readonly Prefix[], right: readonly Prefix[], length: number): Prefix[] {
  const result = new Map<string, Prefix>();
  for (const first of left) {
    if (first.open || first.text.length >= length) {
      add(result, first);
      continue;
    }
    for (const second of right) {
      const text = first.text + second.text;
      add(
        result,
        text.length >= length ? { text: text.slice(0, length), open: true } : { text, open: second.open },
      );
    }
  }
  return [...result.values()];
}

function union(sets: readonly (readonly Prefix[])[]): Prefix[] {
  const result = new Map<string, Prefix>();
  for (const set of sets) for (const prefix of set) add(result, prefix);
  return [...result.values()];
}

function add(into: Map<string, Prefix>, prefix: Prefix): void {
  into.set(`${prefix.open ? 1 : 0}${prefix.text}`, prefix);
}

function repeat(atom: readonly Prefix[], min: number, max: number, length: number): readonly Prefix[] {
  if (min > MAX_REPEAT) return ANY;
  let result: readonly Prefix[] = EMPTY;
  for (let count = 0; count < min; count++) result = concat(result, atom, length);
  // Past `length` non-empty repetitions every prefix is complete, so more optional ones add nothing.
  const optional = union([atom, EMPTY]);
  for (let count = 0; count < Math.min(max - min, length); count++) result = concat(result, optional, length);
  return result;
}

const chars = (list: readonly string[]): Prefix[] => list.map((text) => ({ text, open: false }));

class Reader {
  index = 0;

  constructor(
    private readonly source: string,
    private readonly length: number,
  ) {}

  alternation(): readonly Prefix[] {
    const branches = [this.sequence()];
    while (this.source[this.index] === '|') {
      this.index += 1;
      branches.push(this.sequence());
    }
    return union(branches);
  }

  private sequence(): readonly Prefix[] {
    let result: readonly Prefix[] = EMPTY;
    while (
      this.index < this.source.length &&
      this.source[this.index] !== '|' &&
      this.source[this.index] !== ')'
    ) {
      result = concat(result, this.quantified(this.atom()), this.length);
    }
    return result;
  }

  private quantified(atom: readonly Prefix[]): readonly Prefix[] {
    const char = this.source[this.index];
    let result = atom;
    if (char === '?') result = repeat(atom, 0, 1, this.length);
    else if (char === '*') result = repeat(atom, 0, Number.POSITIVE_INFINITY, this.length);
    else if (char === '+') result = repeat(atom, 1, Number.POSITIVE_INFINITY, this.length);
    else if (char === '{') {
      const braces = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.index));
      if (braces === null) return atom;
      const min = Number(braces[1]);
      const max =
        braces[2] === undefined ? min : braces[3] === '' ? Number.POSITIVE_INFINITY : Number(braces[3]);
      this.index += braces[0].length - 1;
      result = repeat(atom, min, max, this.length);
    } else return atom;
    this.index += 1;
    if (this.source[this.index] === '?') this.index += 1;
    return result;
  }

  private atom(): readonly Prefix[] {
    const char = this.source[this.index] as string;
    if (char === '(') return this.group();
    if (char === '[') return this.characterClass();
    if (char === '\\') return this.escape();
    this.index += 1;
    if (char === '.') return ANY;
    if (char === '^' || char === '$') return EMPTY;
    const code = char.charCodeAt(0);
    // A surrogate half: the character it belongs to is not worth spelling out.
    if (code >= 0xd800 && code <= 0xdfff) return ANY;
    return chars([char]);
  }

  private group(): readonly Prefix[] {
    this.index += 1;
    let lookaround = false;
    if (this.source.startsWith('?:', this.index)) this.index += 2;
    else if (/^\?<?[=!]/.test(this.source.slice(this.index, this.index + 3))) {
      lookaround = true;
      this.index += this.source[this.index + 1] === '<' ? 3 : 2;
    } else if (this.source.startsWith('?<', this.index)) {
      this.index = this.source.indexOf('>', this.index) + 1;
      if (this.index === 0) throw new Error('unterminated group name');
    } else if (this.source[this.index] === '?') throw new Error('unknown group');
    const inner = this.alternation();
    if (this.source[this.index] !== ')') throw new Error('unterminated group');
    this.index += 1;
    return lookaround ? EMPTY : inner;
  }

  private characterClass(): readonly Prefix[] {
    const end = this.source.indexOf(']', this.index + 2);
    const body = this.source.slice(this.index + 1, end);
    if (end === -1) throw new Error('unterminated class');
    this.index = end + 1;
    if (body.startsWith('^') || body.includes('\\') || body.includes('[')) return ANY;
    const members: string[] = [];
    for (let at = 0; at < body.length; at++) {
      const first = body.charCodeAt(at);
      if (first >= 0xd800 && first <= 0xdfff) return ANY;
      if (body[at + 1] === '-' && at + 2 < body.length) {
        const last = body.charCodeAt(at + 2);
        if (last < first || last - first > MAX_CLASS || (last >= 0xd800 && last <= 0xdfff)) return ANY;
        for (let code = first; code <= last; code++) members.push(String.fromCharCode(code));
        at += 2;
      } else members.push(body[at] as string);
    }
    return members.length > MAX_CLASS ? ANY : chars(members);
  }

  private escape(): readonly Prefix[] {
    const next = this.source[this.index + 1];
    if (next === undefined) throw new Error('trailing backslash');
    if (next === 'p' || next === 'P') {
      const end = this.source.indexOf('}', this.index);
      if (end === -1) throw new Error('unterminated property');
      this.index = end + 1;
      return ANY;
    }
    this.index += 2;
    if (next === 'b' || next === 'B') return EMPTY;
    if (next === 'd') return chars([...'0123456789']);
    // Any other letter or digit escapes a class, a code point or a back-reference.
    if (/[\p{L}\p{N}]/u.test(next)) return ANY;
    return chars([next]);
  }
}
