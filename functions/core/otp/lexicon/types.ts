/**
 * A language's words for the OTP rules, as regex sources over normalized text (lowercase, accents
 * dropped, one space between words, "-" for every dash). Sources may be written with accents: they
 * are folded the same way as the text. Latin and Cyrillic entries match whole words; CJK anywhere.
 * Sources hold bounded quantifiers only and no repeated group that can match the same text twice.
 */
export const LANGUAGES = [
  'en',
  'de',
  'fr',
  'es',
  'pt',
  'it',
  'nl',
  'pl',
  'tr',
  'ja',
  'zh',
  'ko',
  'ru',
] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Lexicon {
  language: Language;
  /** OTP messages by themselves, code or not: "verification code", "OTP", "one-time password". */
  secretNouns: readonly string[];
  /** Secrets by themselves unless a meeting or shop is nearer than an account: "passcode". */
  contextualSecretNouns: readonly string[];
  /** Secrets when a code stands next to them: "security code", "confirmation code", "security key". */
  qualifiedNouns: readonly string[];
  /** "code", "PIN", "password": a secret when a code follows tightly or an account is the topic. */
  codeNouns: readonly string[];
  /** "enter", "type", "use": an imperative with a code right after it, about signing in. */
  imperatives: readonly string[];
  /** One-time sign-in links: authentication secrets too ("magic link", "login link"). */
  magicLinks: readonly string[];
  /** Words that make a nearby code an account secret: sign in, verify, account, do not share. */
  accountContext: readonly string[];
  /** Words that make a nearby code an order, a parcel, a booking, a meeting or a discount. */
  commerceContext: readonly string[];
  /** Kinds of harmless code, attached to the code noun: "promo", "zip", "de suivi", "クーポン". */
  harmlessKinds: readonly string[];
}
