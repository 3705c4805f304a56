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
const BEFORE = `(?<!${WORD_CHAR})`;
const AFTER = `(?!${WORD_CHAR})`;
const CJK_EDGE_START = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}[]/u;
const CJK_EDGE_END = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\])]$/u;

/**
 * Finds the entries of one lexicon category in a text with a single regex: one capture group per
 * language, so a hit names its language without a second scan.
 */
export class LexiconMatcher {
  private readonly pattern: RegExp;
  private readonly languages: (Language | undefined)[];

  constructor(entries: readonly Entry[]) {
    const byLanguage = new Map<Language | undefined, string[]>();
    for (const entry of entries) {
      const source = foldText(entry.source);
      const list = byLanguage.get(entry.language) ?? [];
      list.push(`${CJK_EDGE_START.test(source) ? '' : BEFORE}(?:${source})${isCjkEnd(source) ? '' : AFTER}`);
      byLanguage.set(entry.language, list);
    }
    this.languages = [...byLanguage.keys()];
    const groups = [...byLanguage.values()].map((alternatives) => `(${alternatives.join('|')})`);
    this.pattern = new RegExp(groups.length > 0 ? groups.join('|') : '(?!)', 'gu');
  }

  /** Every hit, left to right, none overlapping. */
  find(text: string, from = 0, to = text.length): Hit[] {
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
    }
    return hits;
  }

  test(text: string): boolean {
    this.pattern.lastIndex = 0;
    return this.pattern.test(text);
  }
}

/** A source ending in a CJK character (or a CJK class or group) needs no word boundary after it. */
function isCjkEnd(source: string): boolean {
  if (!CJK_EDGE_END.test(source)) return false;
  const last = source.at(-1);
  if (last !== ']' && last !== ')') return true;
  const open = source.lastIndexOf(last === ']' ? '[' : '(');
  return /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(source.slice(open));
}
