/**
 * Where in a text each of a group of lexicon matchers could have a match start, found in one
 * pass over the text: a position is a candidate for a matcher when its first two characters (one,
 * for a prefix that short) are a start that matcher's entries allow (prefixes.ts). Latin-script
 * entries must also start a word, which rules out most positions before any table is read.
 */
import type { Prefix } from './prefixes.ts';

/** The start characters of one member: `word` entries start a word, `anywhere` ones need not. */
export interface PrefixSet {
  word: readonly Prefix[];
  anywhere: readonly Prefix[];
}

/** The candidate positions of a text, in order, each with the bits of the members it suits. */
export interface Candidates {
  positions: number[];
  masks: number[];
}

const WORD_FIRST = 1;
const ANYWHERE_FIRST = 2;
/** A two-character key never collides with a one-character key (a char code is below 0x10000). */
const pairKey = (first: number, second: number) => first + 0x10000 * (second + 1);

export class PrefixIndex {
  private readonly firsts = new Uint8Array(0x10000);
  private readonly word = new Map<number, number>();
  private readonly anywhere = new Map<number, number>();

  /** At most 31 members, one bit each, in order. */
  constructor(members: readonly PrefixSet[]) {
    if (members.length > 31) throw new Error('a prefix index holds at most 31 members');
    members.forEach((member, position) => {
      const bit = 1 << position;
      this.register(member.word, bit, this.word, WORD_FIRST);
      this.register(member.anywhere, bit, this.anywhere, ANYWHERE_FIRST);
    });
  }

  private register(prefixes: readonly Prefix[], bit: number, into: Map<number, number>, flag: number) {
    for (const { text } of prefixes) {
      const first = text.charCodeAt(0);
      const key = text.length === 1 ? first : pairKey(first, text.charCodeAt(1));
      into.set(key, (into.get(key) ?? 0) | bit);
      this.firsts[first] = (this.firsts[first] as number) | flag;
    }
  }

  candidates(text: string): Candidates {
    const positions: number[] = [];
    const masks: number[] = [];
    const { firsts, word, anywhere } = this;
    let previous = 0x20;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      const flags = firsts[code] as number;
      if (flags !== 0) {
        const next = text.charCodeAt(index + 1);
        const pair = Number.isNaN(next) ? -1 : pairKey(code, next);
        let mask = 0;
        // A word entry's regex also rejects a start after a letter or digit: checking the ASCII
        // ones here spares most regex calls (the regex still decides the rest).
        if ((flags & WORD_FIRST) !== 0 && !isAsciiWordChar(previous)) {
          mask |= (word.get(code) ?? 0) | (word.get(pair) ?? 0);
        }
        if ((flags & ANYWHERE_FIRST) !== 0) mask |= (anywhere.get(code) ?? 0) | (anywhere.get(pair) ?? 0);
        if (mask !== 0) {
          positions.push(index);
          masks.push(mask);
        }
      }
      previous = code;
    }
    return { positions, masks };
  }
}

function isAsciiWordChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f ||
    (code >= 0x41 && code <= 0x5a)
  );
}
