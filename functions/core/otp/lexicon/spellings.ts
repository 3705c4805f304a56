import { rewriteOutsideClasses } from '../regex-source.ts';
import type { Lexicon } from './types.ts';

/**
 * The lexicon with each listed letter also accepted as its plain-ASCII spelling, in every entry:
 * SMS and plain-text mail write "Bestaetigungscode" for "Bestätigungscode". A letter inside a
 * character class or after a backslash is left as written.
 */
export function withSpellings(lexicon: Lexicon, spellings: Readonly<Record<string, string>>): Lexicon {
  const spell = (source: string) => spelledOut(source, spellings);
  return {
    language: lexicon.language,
    secretNouns: lexicon.secretNouns.map(spell),
    contextualSecretNouns: lexicon.contextualSecretNouns.map(spell),
    qualifiedNouns: lexicon.qualifiedNouns.map(spell),
    codeNouns: lexicon.codeNouns.map(spell),
    imperatives: lexicon.imperatives.map(spell),
    magicLinks: lexicon.magicLinks.map(spell),
    accountContext: lexicon.accountContext.map(spell),
    commerceContext: lexicon.commerceContext.map(spell),
    harmlessKinds: lexicon.harmlessKinds.map(spell),
  };
}

export function spelledOut(source: string, spellings: Readonly<Record<string, string>>): string {
  return rewriteOutsideClasses(source, (character) => {
    const spelling = spellings[character];
    return spelling === undefined ? character : `(?:${character}|${spelling})`;
  });
}
