import type { Language } from './lexicon/index.ts';
import { foldText } from './normalize.ts';
import { type Candidates, isAsciiWordChar, PrefixIndex, type PrefixSet } from './prefix-index.ts';
import { type Prefix, prefixesOf } from './prefixes.ts';
import { rewriteOutsideClasses } from './regex-source.ts';

/** One occurrence of a lexicon entry in a normalized text (its language: LexiconMatcher.languageAt). */
export interface Hit {
  start: number;
  end: number;
}

/** A hit with the language of the entry that matched, as the full scan reports it. */
export interface LanguageHit extends Hit {
  language: Language | undefined;
}

export interface Entry {
  language: Language | undefined;
  source: string;
}

/** Latin, Greek and Cyrillic words end at a non-letter; CJK words need no boundary. */
const WORD_CHAR = String.raw`[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{N}_]`;
/**
 * Every folded Latin or Cyrillic entry starts with one of these: checking it first spares the
 * lookbehind's Unicode class at most positions (the matcher runs twice as fast).
 */
const LATIN_START = '(?=[a-z0-9%\\u00C0-\\u024F\\u0400-\\u04FF])';
/** How many first characters of an entry the prefix index checks before its regex is tried. */
const PREFIX_LENGTH = 4;
/** Latin entries start a word: nothing of WORD_CHAR before them (the ASCII check first, it is cheap). */
const WORD_START = `(?<![a-z0-9_])(?<!${WORD_CHAR})`;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * Finds the entries of one lexicon category in a text with a single regex, tried only at the
 * positions where one of the entries could start (prefixes.ts): most positions of a text start
 * no entry, and trying a category's regex at one costs as much as at any other.
 */
export class LexiconMatcher {
  private readonly full: Compiled;
  /** The same regex, with its capture groups, tried at one position only: which language matched. */
  private readonly stickyWithGroups: RegExp;
  /** The same regex without capture groups (a third of the cost of a hit), tried at one position only. */
  private readonly sticky: RegExp;
  /**
   * `sticky` without the word-start lookbehinds, for a position after an ASCII character that
   * is no letter, digit or "_" (or at the start), where they hold anyway: they cost a third of a try.
   */
  private readonly stickyAtWordStart: RegExp;
  /** Where a match can start; undefined when it could start anywhere (then the regex scans). */
  readonly prefixes: PrefixSet | undefined;
  private ownIndex: PrefixIndex | undefined;

  constructor(entries: readonly Entry[]) {
    const folded = entries.map((entry) => {
      const source = foldText(entry.source);
      return {
        language: entry.language,
        source,
        cjk: CJK.test(source),
        starts: prefixesOf(source, PREFIX_LENGTH),
      };
    });
    const filterable = folded.every((entry) => entry.starts !== undefined);
    this.prefixes = filterable
      ? {
          word: folded.flatMap((entry) => (entry.cjk ? [] : (entry.starts ?? []))),
          anywhere: folded.flatMap((entry) => (entry.cjk ? (entry.starts ?? []) : [])),
        }
      : undefined;
    this.full = compile(folded, 'gu');
    this.stickyWithGroups = new RegExp(this.full.pattern.source, 'uy');
    // The sources hold no capture group of their own (nor a backreference): only the language groups.
    const uncaptured = withoutCaptures(this.full.pattern.source);
    this.sticky = new RegExp(uncaptured, 'uy');
    this.stickyAtWordStart = new RegExp(uncaptured.split(WORD_START).join(''), 'uy');
  }

  /** The first hit of `find`, found without scanning the rest of the text. */
  first(text: string): Hit | undefined {
    return this.find(text, 1)[0];
  }

  /** Every hit (at most `limit`), left to right, none overlapping. */
  find(text: string, limit = Number.POSITIVE_INFINITY): Hit[] {
    if (this.prefixes === undefined) return this.findFully(text, limit);
    this.ownIndex ??= new PrefixIndex([this.prefixes]);
    return this.findAt(text, this.ownIndex.candidates(text), 1, limit);
  }

  /**
   * `find`, trying the regex only at the candidate positions whose mask holds `bit` (this
   * matcher's bit in the index that found them). The regex, tried at each candidate left of the
   * last hit's end in turn, finds what its scan of every position would: no match starts elsewhere.
   */
  findAt(text: string, candidates: Candidates, bit: number, limit = Number.POSITIVE_INFINITY): Hit[] {
    const hits: Hit[] = [];
    const { positions, masks } = candidates;
    let from = 0;
    for (let index = 0; index < positions.length; index++) {
      const position = positions[index] as number;
      if (position < from || ((masks[index] as number) & bit) === 0) continue;
      const before = position === 0 ? 0x20 : text.charCodeAt(position - 1);
      const sticky = before < 0x80 && !isAsciiWordChar(before) ? this.stickyAtWordStart : this.sticky;
      // test, not exec: no match array to build; a sticky regex leaves lastIndex at the match's end.
      sticky.lastIndex = position;
      if (!sticky.test(text) || sticky.lastIndex === position) continue;
      const end = sticky.lastIndex;
      hits.push({ start: position, end });
      if (hits.length >= limit) break;
      from = end;
    }
    return hits;
  }

  /** `find` by scanning every position: the reference the candidates are tested against. */
  findFully(text: string, limit = Number.POSITIVE_INFINITY): LanguageHit[] {
    const hits: LanguageHit[] = [];
    const { pattern, languages } = this.full;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      if (match[0].length === 0) {
        pattern.lastIndex += 1;
        continue;
      }
      hits.push(hitOf(match, languages));
      if (hits.length >= limit) break;
    }
    return hits;
  }

  /** The language of the entry that matches at `start`, a hit's position (undefined for none). */
  languageAt(text: string, start: number): Language | undefined {
    this.stickyWithGroups.lastIndex = start;
    const match = this.stickyWithGroups.exec(text);
    return match === null ? undefined : hitOf(match, this.full.languages).language;
  }
}

interface FoldedEntry {
  language: Language | undefined;
  source: string;
  cjk: boolean;
  starts: Prefix[] | undefined;
}

/** A regex over some entries, and the language of each of its capture groups. */
interface Compiled {
  pattern: RegExp;
  languages: (Language | undefined)[];
}

/**
 * One capture group per language, so a hit names its language without a second scan. The word
 * boundaries wrap all Latin-script entries at once: a lookbehind in front of every alternative
 * would be tried at every position for every entry (a hundred times slower).
 */
function compile(entries: readonly FoldedEntry[], flags: string): Compiled {
  const order = [...new Set(entries.map((entry) => entry.language))];
  const words = new Map<Language | undefined, string[]>(order.map((language) => [language, []]));
  const cjk = new Map<Language | undefined, string[]>(order.map((language) => [language, []]));
  for (const entry of entries) {
    (entry.cjk ? cjk : words).get(entry.language)?.push(entry.source);
  }
  const languages: (Language | undefined)[] = [];
  const parts: string[] = [];
  const wordGroups = [...words].filter(([, sources]) => sources.length > 0);
  if (wordGroups.length > 0) {
    const groups = wordGroups.map(([language, sources]) => {
      languages.push(language);
      return `(${sources.join('|')})`;
    });
    parts.push(`${LATIN_START}${WORD_START}(?:${groups.join('|')})(?!${WORD_CHAR})`);
  }
  for (const [language, sources] of cjk) {
    if (sources.length === 0) continue;
    languages.push(language);
    parts.push(`(${sources.join('|')})`);
  }
  return { pattern: new RegExp(parts.length > 0 ? parts.join('|') : '(?!)', flags), languages };
}

/** A regex source with each capture group made a plain group ("\\(" and "[(]" stay as they are). */
export function withoutCaptures(source: string): string {
  return rewriteOutsideClasses(source, (character, index) =>
    character === '(' && source[index + 1] !== '?' ? '(?:' : character,
  );
}

function hitOf(match: RegExpExecArray, languages: readonly (Language | undefined)[]): LanguageHit {
  let group = 1;
  while (group < match.length && match[group] === undefined) group += 1;
  return { start: match.index, end: match.index + match[0].length, language: languages[group - 1] };
}

/**
 * Matchers searched in the same texts share one pass for their candidate positions: the index
 * is read once per text, however many of them a rule then asks for.
 */
export class MatcherGroup {
  private readonly index: PrefixIndex;
  private readonly bits = new Map<LexiconMatcher, number>();

  constructor(matchers: readonly LexiconMatcher[]) {
    const members: PrefixSet[] = [];
    for (const matcher of matchers) {
      if (matcher.prefixes === undefined) continue;
      this.bits.set(matcher, 1 << members.length);
      members.push(matcher.prefixes);
    }
    this.index = new PrefixIndex(members);
  }

  candidates(text: string): Candidates {
    return this.index.candidates(text);
  }

  /** The matcher's bit in `candidates`, or undefined when it is not in the group. */
  bitOf(matcher: LexiconMatcher): number | undefined {
    return this.bits.get(matcher);
  }
}
