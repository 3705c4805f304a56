/**
 * Where in a text each of a group of lexicon matchers could have a match start, found in one
 * pass over the text: a position is a candidate for a matcher when the text there starts with
 * one of the prefixes that matcher's entries allow (prefixes.ts). Latin-script
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
/** A trie edge's key: the node it leaves and the character it reads (nodes stay below 2^14). */
const edgeKey = (node: number, code: number) => node * 0x10000 + code;
const MAX_NODES = 0x4000;

/**
 * The members' prefixes in one trie, read from each plausible start: the deeper the prefixes
 * (matcher.ts asks for four characters), the fewer positions a regex is tried at in vain.
 */
export class PrefixIndex {
  private readonly firsts = new Uint8Array(0x10000);
  private readonly edges = new Map<number, number>();
  /** Per trie node, the bits of the members with a prefix ending there. */
  private readonly wordMasks: number[] = [0];
  private readonly anywhereMasks: number[] = [0];
  /** The edges that read an ASCII character, as a flat table (0: none; the root is no child). */
  private readonly asciiEdges: Uint16Array;
  private depth = 0;

  /** At most 31 members, one bit each, in order. */
  constructor(members: readonly PrefixSet[]) {
    if (members.length > 31) throw new Error('a prefix index holds at most 31 members');
    members.forEach((member, position) => {
      const bit = 1 << position;
      this.register(member.word, bit, this.wordMasks, WORD_FIRST);
      this.register(member.anywhere, bit, this.anywhereMasks, ANYWHERE_FIRST);
    });
    this.asciiEdges = new Uint16Array(this.wordMasks.length * 0x80);
    for (const [key, node] of this.edges) {
      const code = key % 0x10000;
      if (code < 0x80) this.asciiEdges[((key - code) / 0x10000) * 0x80 + code] = node;
    }
  }

  private register(prefixes: readonly Prefix[], bit: number, masks: number[], flag: number) {
    for (const { text } of prefixes) {
      let node = 0;
      for (let at = 0; at < text.length; at++) node = this.child(node, text.charCodeAt(at));
      masks[node] = (masks[node] as number) | bit;
      this.firsts[text.charCodeAt(0)] = (this.firsts[text.charCodeAt(0)] as number) | flag;
      this.depth = Math.max(this.depth, text.length);
    }
  }

  private child(node: number, code: number): number {
    const key = edgeKey(node, code);
    let next = this.edges.get(key);
    if (next === undefined) {
      next = this.wordMasks.length;
      if (next >= MAX_NODES) throw new Error('a prefix index holds at most 16384 trie nodes');
      this.wordMasks.push(0);
      this.anywhereMasks.push(0);
      this.edges.set(key, next);
    }
    return next;
  }

  candidates(text: string): Candidates {
    const positions: number[] = [];
    const masks: number[] = [];
    const { firsts, edges, asciiEdges, wordMasks, anywhereMasks, depth } = this;
    let previous = 0x20;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      const flags = firsts[code] as number;
      if (flags !== 0) {
        // A word entry's regex also rejects a start after a letter or digit: checking the ASCII
        // ones here spares most regex calls (the regex still decides the rest).
        const word = (flags & WORD_FIRST) !== 0 && !isAsciiWordChar(previous);
        const anywhere = (flags & ANYWHERE_FIRST) !== 0;
        let mask = 0;
        if (word || anywhere) {
          const last = Math.min(text.length, index + depth);
          let node = 0;
          for (let at = index; at < last; at++) {
            const next = text.charCodeAt(at);
            const child =
              next < 0x80
                ? (asciiEdges[node * 0x80 + next] as number)
                : (edges.get(edgeKey(node, next)) ?? 0);
            if (child === 0) break;
            node = child;
            if (word) mask |= wordMasks[node] as number;
            if (anywhere) mask |= anywhereMasks[node] as number;
          }
        }
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

export function isAsciiWordChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f ||
    (code >= 0x41 && code <= 0x5a)
  );
}
