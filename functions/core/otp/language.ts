import type { Language } from './lexicon/index.ts';

/**
 * The language a message is written in, from its script and a few function words; used when the
 * word that matched is shared between languages ("code", "PIN", "OTP"). Only called on a verdict.
 */
const FUNCTION_WORDS: readonly [Language, ReadonlySet<string>][] = [
  [
    'en',
    new Set(['the', 'your', 'is', 'to', 'this', 'you', 'for', 'and', 'with', 'enter', 'use', 'it', 'of']),
  ],
  [
    'de',
    new Set([
      'der',
      'die',
      'das',
      'ihr',
      'ihre',
      'dein',
      'deine',
      'ist',
      'und',
      'sie',
      'zu',
      'mit',
      'nicht',
      'fur',
      'lautet',
      'bitte',
      'ein',
    ]),
  ],
  [
    'fr',
    new Set([
      'le',
      'la',
      'les',
      'votre',
      'est',
      'pour',
      'vous',
      'et',
      'ne',
      'pas',
      'ce',
      'ton',
      'une',
      'des',
    ]),
  ],
  ['es', new Set(['el', 'tu', 'su', 'es', 'para', 'los', 'con', 'y', 'tu', 'este', 'una', 'por', 'del'])],
  ['pt', new Set(['o', 'seu', 'sua', 'para', 'nao', 'voce', 'com', 'um', 'uma', 'do', 'da', 'este', 'e'])],
  [
    'it',
    new Set(['il', 'tuo', 'tua', 'per', 'di', 'non', 'questo', 'con', 'un', 'una', 'del', 'e', 'accedi']),
  ],
  ['nl', new Set(['de', 'het', 'je', 'uw', 'voor', 'en', 'niet', 'een', 'van', 'met', 'jouw', 'deze'])],
  ['pl', new Set(['to', 'jest', 'twoj', 'nie', 'w', 'z', 'na', 'do', 'sie', 'kod', 'kodu', 'lub', 'aby'])],
  ['tr', new Set(['bu', 've', 'icin', 'ile', 'bir', 'degil', 'kodunuz', 'sifreniz', 'kodu', 'lutfen'])],
];
const HANGUL = /\p{Script=Hangul}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HAN = /\p{Script=Han}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const WORD = /[\p{L}]+/gu;
const TURKISH_LETTER = /ı/;

export function guessLanguage(text: string): Language | undefined {
  if (HANGUL.test(text)) return 'ko';
  if (KANA.test(text)) return 'ja';
  if (HAN.test(text)) return 'zh';
  // Russian is the only Cyrillic-script lexicon.
  if (CYRILLIC.test(text)) return 'ru';
  const scores = new Map<Language, number>();
  for (const word of text.match(WORD) ?? []) {
    for (const [language, words] of FUNCTION_WORDS) {
      if (words.has(word)) scores.set(language, (scores.get(language) ?? 0) + 1);
    }
  }
  if (TURKISH_LETTER.test(text)) scores.set('tr', (scores.get('tr') ?? 0) + 2);
  let best: Language | undefined;
  let bestScore = 0;
  for (const [language, score] of scores) {
    if (score > bestScore) {
      best = language;
      bestScore = score;
    }
  }
  return best;
}
