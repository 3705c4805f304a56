import type { Language } from './lexicon/index.ts';
import { foldText } from './normalize.ts';

/** One occurrence of a lexicon entry in a normalized text. */
export interface Hit {
  start: number;
  end: number;
  language: Language | undefined;
}

export interface Entry {
  language: Language | undefined;
  source: string;
}

/** Latin, Greek and Cyrillic words end at a non-letter; CJK words need no boundary. */
const WORD_CHAR = String.raw`[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{N}_]`;
/**
 * Every folded Latin entry starts with one of these: checking it first spares the lookbehind's
 * Unicode class at most positions (the matcher runs twice as fast).
 */
const LATIN_START = '(?=[a-z0-9%\\u00C0-\\u024F])';
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * Finds the entries of one lexicon category in a text with a single regex: one capture group per
 * language, so a hit names its language without a second scan. The word boundaries wrap all
 * Latin-script entries at once: a lookbehind in front of every alternative would be tried at
 * every position for every entry (a hundred times slower).
 */
export class LexiconMatcher {
  private readonly pattern: RegExp;
  private readonly languages: (Language | undefined)[] = [];

  constructor(entries: readonly Entry[]) {
    const words = new Map<Language | undefined, string[]>();
    const cjk = new Map<Language | undefined, string[]>();
    for (const entry of entries) {
      const source = foldText(entry.source);
      const into = CJK.test(source) ? cjk : words;
      const list = into.get(entry.language) ?? [];
      list.push(source);
      into.set(entry.language, list);
    }
    const parts: string[] = [];
    if (words.size > 0) {
      const groups = [...words].map(([language, sources]) => {
        this.languages.push(language);
        return `(${sources.join('|')})`;
      });
      parts.push(`${LATIN_START}(?<![a-z0-9_])(?<!${WORD_CHAR})(?:${groups.join('|')})(?!${WORD_CHAR})`);
    }
    for (const [language, sources] of cjk) {
      this.languages.push(language);
      parts.push(`(${sources.join('|')})`);
    }
    this.pattern = new RegExp(parts.length > 0 ? parts.join('|') : '(?!)', 'gu');
  }

  /** The first hit of `find`, found without scanning the rest of the text. */
  first(text: string): Hit | undefined {
    return this.find(text, 0, text.length, 1)[0];
  }

  /** Every hit (at most `limit`), left to right, none overlapping. */
  find(text: string, from = 0, to = text.length, limit = Number.POSITIVE_INFINITY): Hit[] {
    const hits: Hit[] = [];
    const pattern = this.pattern;
    pattern.lastIndex = from;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      if (match.index >= to) break;
      if (match[0].length === 0) {
        pattern.lastIndex += 1;
        continue;
      }
      let group = 1;
      while (group < match.length && match[group] === undefined) group += 1;
      hits.push({
        start: match.index,
        end: match.index + match[0].length,
        language: this.languages[group - 1],
      });
      if (hits.length >= limit) break;
    }
    return hits;
  }

  test(text: string): boolean {
    this.pattern.lastIndex = 0;
    return this.pattern.test(text);
  }
}
