import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEXICONS, type Lexicon } from '../../functions/core/otp/lexicon/index.ts';
import {
  type Entry,
  type Hit,
  LexiconMatcher,
  MatcherGroup,
  withoutCaptures,
} from '../../functions/core/otp/matcher.ts';
import { normalizeText } from '../../functions/core/otp/normalize.ts';
import { LINK_WORDS, ONE_TIME_SIGNALS, RESET_WORDS, SIGN_IN } from '../../functions/core/otp/phrases.ts';
import { prefixesOf } from '../../functions/core/otp/prefixes.ts';
import { otpCorpusTexts } from '../support/otp-corpus.ts';

/**
 * A lexicon matcher tries its regex only where its entries' prefixes allow a match to start; it
 * must find exactly what scanning every position finds (same hits, same languages), alone or in a
 * group sharing one candidate pass, on any text.
 */
const corpus = otpCorpusTexts();
const fragments = corpus
  .flatMap((text) => text.split(/(?<=[\s.,:;!?])/))
  .filter((part) => part.trim() !== '');

const CATEGORIES = [
  'secretNouns',
  'contextualSecretNouns',
  'qualifiedNouns',
  'codeNouns',
  'imperatives',
  'magicLinks',
  'accountContext',
  'commerceContext',
  'harmlessKinds',
] as const satisfies readonly (keyof Lexicon)[];
const entriesOf = (category: (typeof CATEGORIES)[number]): Entry[] =>
  LEXICONS.flatMap((lexicon) => lexicon[category].map((source) => ({ language: lexicon.language, source })));
const plain = (sources: readonly string[]): Entry[] =>
  sources.map((source) => ({ language: undefined, source }));
const matchers = [
  ...CATEGORIES.map((category) => new LexiconMatcher(entriesOf(category))),
  ...[SIGN_IN, LINK_WORDS, ONE_TIME_SIGNALS, RESET_WORDS].map(
    (sources) => new LexiconMatcher(plain(sources)),
  ),
  new LexiconMatcher(plain(['steam guard code', 'parcel terminal', 'a', '%', 'x-y'])),
];
const group = new MatcherGroup(matchers);

const words = [
  ...LEXICONS.flatMap((lexicon) => CATEGORIES.flatMap((category) => lexicon[category]))
    .filter((source) => !/[\\()[\]?|{}]/.test(source))
    .slice(0, 400),
  'codes',
  'sign-in',
  'log in',
  'A',
  '_',
  'é',
  'ı',
  '1',
];
const piece = fc.oneof(fc.constantFrom(...fragments), fc.constantFrom(...words), fc.string({ maxLength: 4 }));
const separator = fc.constantFrom('', ' ', '-', '_', 'x', '1', "'", '%', 'é', '認');
const text = fc
  .array(fc.tuple(piece, separator), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.map(([part, after]) => part + after).join(''));

const same = (raw: string) => {
  const { lower } = normalizeText(raw);
  const candidates = group.candidates(lower);
  matchers.forEach((matcher) => {
    const expected = matcher.findFully(lower);
    // The fast paths match without the language groups; languageAt names the language afterwards.
    const withLanguage = (hits: readonly Hit[]) =>
      hits.map((hit) => ({ ...hit, language: matcher.languageAt(lower, hit.start) }));
    expect(withLanguage(matcher.find(lower))).toEqual(expected);
    expect(withLanguage(matcher.findAt(lower, candidates, group.bitOf(matcher) ?? 0))).toEqual(expected);
    expect(withLanguage(matcher.find(lower, 1))).toEqual(expected.slice(0, 1));
    expect(matcher.first(lower)).toEqual(matcher.find(lower)[0]);
  });
};

describe('OTP lexicon prefix index', () => {
  it('drops capture groups only, leaving escaped and bracketed parentheses and lookarounds', () => {
    expect(withoutCaptures('(a|b)(?:c)(?=d)(?<!e)')).toBe('(?:a|b)(?:c)(?=d)(?<!e)');
    expect(withoutCaptures(String.raw`\((x)\)[(]`)).toBe(String.raw`\((?:x)\)[(]`);
    expect(withoutCaptures(String.raw`[\](](y)`)).toBe(String.raw`[\](](?:y)`);
    // A phrase with parentheses from the policy, escaped as extensions.ts escapes it, still matches.
    const phrase = new LexiconMatcher([{ language: undefined, source: String.raw`code \(sms\)` }]);
    expect(phrase.find('your code (sms) is 1234')).toEqual([{ start: 5, end: 15 }]);
  });

  it('every built-in entry has a known set of starts, so no matcher falls back to scanning', () => {
    for (const matcher of matchers) expect(matcher.prefixes).toBeDefined();
  });

  it('finds what the full scan finds on every corpus snippet', () => {
    for (const snippet of corpus) same(snippet);
  });

  it('finds what the full scan finds on random mixes of fragments, lexicon words and separators', () => {
    fc.assert(
      fc.property(text, (raw) => same(raw)),
      { numRuns: 2000 },
    );
  });

  it('reads the starts of a regex source, widening what it cannot spell out', () => {
    expect(prefixesOf('otps?')).toEqual([{ text: 'ot', open: true }]);
    expect(prefixesOf('(?:log|sign)[ -]?in')?.map((prefix) => prefix.text)).toEqual(['lo', 'si']);
    expect(prefixesOf('a')).toEqual([{ text: 'a', open: false }]);
    expect(prefixesOf(String.raw`k\p{L}{0,3}`)).toContainEqual({ text: 'k', open: true });
    expect(prefixesOf('(?=x)ab')).toEqual([{ text: 'ab', open: true }]);
    expect(prefixesOf(String.raw`\p{L}x`)).toBeUndefined();
    expect(prefixesOf('a?')).toBeUndefined();
    expect(prefixesOf('[^a]b')).toBeUndefined();
  });

  it('reads longer starts when asked, as the matchers do', () => {
    expect(prefixesOf('otps?', 4)).toEqual([
      { text: 'otps', open: true },
      { text: 'otp', open: false },
    ]);
    expect(prefixesOf('(?:log|sign)[ -]?in', 4)?.map((prefix) => prefix.text)).toEqual([
      'log ',
      'log-',
      'logi',
      'sign',
    ]);
    expect(prefixesOf(String.raw`anmeld\p{L}{0,6}`, 4)).toEqual([{ text: 'anme', open: true }]);
  });
});
