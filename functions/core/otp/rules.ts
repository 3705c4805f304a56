/**
 * The rule engine over one normalized window of text. Each rule names what it found; negative
 * rules veto a candidate locally (a "promo code" next to a login code does not hide the login
 * code), because a missed OTP is the worst failure this product has.
 *
 *   secret-noun              "verification code", "OTP", "Bestätigungscode"… by itself
 *   magic-link               "magic link", "login link", or a link that signs you in once
 *   qualified-code           "security code", "confirmation code", "security key" + a code nearby
 *   code-connector           "code" + a code introduced tightly: "code: 4821", "4821 is your code"
 *   code-in-account-context  "code" / "PIN" + a code, about signing in or an account
 *   imperative               "enter 604211 to sign in", "Type … into the app", "123456を入力"
 *   sign-in-code             a sign-in verb, "is it you?" or "don't share" and a colon, then a number
 *   contextual-secret-noun   "passcode" unless a meeting or a shop is the nearer topic
 *
 * Vetoes: a harmless kind attached to the noun ("promo code", "code postal", "クーポンコード") or
 * to a number only near it ("… Case 448201"), an order / parcel / booking / meeting nearer than any
 * account word, a promo-shaped token after a bare "code" ("use code BDAY20"), a code a harmless
 * kind's noun gives ("招待コード：FURI8K2Q"), a code-less mention in a notice or a scam warning, a
 * shouted word taken for a capital-letter code ("YOUR CODE EXPIRED"), the policy's negatives.
 */
import { type CodeToken, findCapitalTokens, findCodeTokens } from './code-shapes.ts';
import { guessLanguage } from './language.ts';
import { type Language, LEXICONS, type Lexicon } from './lexicon/index.ts';
import { type Hit, LexiconMatcher, MatcherGroup } from './matcher.ts';
import type { NormalizedText } from './normalize.ts';
import {
  BELOW_START,
  CLAUSE_THEN_COLON_GAP,
  CODE_BY_COLON,
  CONNECTOR_GAP,
  COPULA_GAP,
  endsHandingOver,
  FILLER_GAP,
  HANDED_OVER_BY_WORD_GAP,
  HANDED_OVER_GAP,
  LINK_WORDS,
  NOTICE_WORDS,
  ONE_TIME_SIGNALS,
  PURPOSE_START,
  RESET_WORDS,
  SCAM_WORDS,
  SIGN_IN,
} from './phrases.ts';
import type { Candidates } from './prefix-index.ts';

export const BUILT_IN_RULES = [
  'secret-noun',
  'magic-link',
  'qualified-code',
  'code-connector',
  'code-in-account-context',
  'imperative',
  'sign-in-code',
  'contextual-secret-noun',
] as const;
export type RuleId = (typeof BUILT_IN_RULES)[number] | 'policy-pattern' | 'policy-phrase';

export interface Match {
  rule: RuleId;
  start: number;
  end: number;
  /**
   * The lexicon word that matched and its matcher, whose entry names the word's language (not for a
   * policy pattern); the verdict's language is matchLanguage's.
   */
  word: { hit: Hit; matcher: LexiconMatcher } | undefined;
}

/** The policy's additions, compiled (see extensions.ts). */
export interface CompiledExtensions {
  phrases: LexiconMatcher | undefined;
  patterns: readonly RegExp[];
  negatives: LexiconMatcher | undefined;
}

/** How far a code may stand from its noun, in characters of normalized text. */
const CODE_AFTER = 48;
const CODE_BEFORE = 48;
const TIGHT_AFTER = 24;
const IMPERATIVE_AFTER = 36;
/** How far before an imperative its code noun may stand: "こちらの番号をご入力ください". */
const NOUN_BEFORE_VERB = 8;
/** How far a code handed over at the end of a longer phrase may stand ("… lautet 337820"). */
const HANDED_OVER_AFTER = 104;
/** How far the code of a noun that says it follows ("… is below") may stand, and how far that word may. */
const BELOW_AFTER = 240;
const BELOW_WORDS = 32;
const IMPERATIVE_BEFORE = 16;
/** How far context words count for or against a candidate. */
const CONTEXT = 100;
/** A harmless kind counts when it touches the noun: "promo code", "code de suivi", "クーポンコード". */
const TOUCH = 2;

const lexiconMatcher = (pick: (lexicon: Lexicon) => readonly string[]) =>
  new LexiconMatcher(
    LEXICONS.flatMap((lexicon) => pick(lexicon).map((source) => ({ language: lexicon.language, source }))),
  );
const plainMatcher = (sources: readonly string[]) =>
  new LexiconMatcher(sources.map((source) => ({ language: undefined, source })));

const SECRET = lexiconMatcher((lexicon) => lexicon.secretNouns);
const CONTEXTUAL = lexiconMatcher((lexicon) => lexicon.contextualSecretNouns);
const QUALIFIED = lexiconMatcher((lexicon) => lexicon.qualifiedNouns);
const CODE_NOUN = lexiconMatcher((lexicon) => lexicon.codeNouns);
const IMPERATIVE = lexiconMatcher((lexicon) => lexicon.imperatives);
const MAGIC = lexiconMatcher((lexicon) => lexicon.magicLinks);
const ACCOUNT = lexiconMatcher((lexicon) => lexicon.accountContext);
const COMMERCE = lexiconMatcher((lexicon) => lexicon.commerceContext);
const HARMLESS = lexiconMatcher((lexicon) => lexicon.harmlessKinds);
const LINK = plainMatcher(LINK_WORDS);
const SIGN_IN_VERB = plainMatcher(SIGN_IN);
const BY_COLON = plainMatcher([...SIGN_IN, ...CODE_BY_COLON]);
const ONE_TIME = plainMatcher(ONE_TIME_SIGNALS);
const RESET = plainMatcher(RESET_WORDS);
const NOTICE = plainMatcher([...NOTICE_WORDS, ...SCAM_WORDS]);
const SCAM = plainMatcher(SCAM_WORDS);

/** One window's lazily computed facts: each list is built at most once, and only if a rule asks. */
class Scan {
  private cache = new Map<string, Hit[]>();
  private codeTokens: CodeToken[] | undefined;
  private builtInCandidates: Candidates | undefined;
  private allCapitals: boolean | undefined;

  constructor(
    readonly text: NormalizedText,
    readonly extensions: CompiledExtensions | undefined,
    /** Whether a match's span matters (a verdict's evidence), or only that a rule fires. */
    readonly spans = true,
  ) {}

  hits(name: string, matcher: LexiconMatcher): Hit[] {
    let hits = this.cache.get(name);
    if (hits === undefined) {
      hits = this.find(matcher);
      this.cache.set(name, hits);
    }
    return hits;
  }

  /** The first hit, without looking further (nor caching a partial list). */
  first(name: string, matcher: LexiconMatcher): Hit | undefined {
    return (this.cache.get(name) ?? this.find(matcher, 1))[0];
  }

  private find(matcher: LexiconMatcher, limit?: number): Hit[] {
    const bit = BUILT_IN.bitOf(matcher);
    if (bit === undefined) return matcher.find(this.text.lower, limit);
    this.builtInCandidates ??= BUILT_IN.candidates(this.text.lower);
    return matcher.findAt(this.text.lower, this.builtInCandidates, bit, limit);
  }

  /** Whether the text has no lowercase letter: then an all-capital word is a weak sign of a code. */
  get shouting(): boolean {
    this.allCapitals ??= !LOWERCASE_LETTER.test(this.text.cased);
    return this.allCapitals;
  }

  get tokens(): CodeToken[] {
    this.codeTokens ??= this.withoutWords(findCodeTokens(this.text.lower));
    return this.codeTokens;
  }

  /** Code-shaped tokens that are a secret's own name ("2FA-code") are no code. */
  private withoutWords(tokens: CodeToken[]): CodeToken[] {
    if (!tokens.some((token) => token.kind === 'alphanumeric')) return tokens;
    const words = [...this.hits('secret-noun', SECRET), ...this.hits('qualified-code', QUALIFIED)];
    return tokens.filter(
      (token) =>
        token.kind !== 'alphanumeric' ||
        !words.some((word) => word.start < token.end && word.end > token.start),
    );
  }

  /**
   * Whether the nearest noun before this code is a harmless kind's that gives it ("ギフトコードはこちら
   * です：X7KQ-…", "招待コード：FURI8K2Q"): then it is that kind's code, whatever names it later
   * ("このコードを入力").
   */
  claimedByHarmless(token: CodeToken): boolean {
    let nearest: Hit | undefined;
    for (const [name, matcher] of [
      ['code-connector', CODE_NOUN],
      ['qualified-code', QUALIFIED],
    ] as const) {
      for (const hit of this.hits(name, matcher)) {
        if (hit.end > token.start) break;
        if (nearest === undefined || hit.end > nearest.end) nearest = hit;
      }
    }
    if (nearest === undefined || token.start - nearest.end > TIGHT_AFTER) return false;
    const gap = this.text.lower.slice(nearest.end, token.start);
    return (
      (CONNECTOR_GAP.test(gap) || CLAUSE_THEN_COLON_GAP.test(gap)) &&
      this.touchesHarmless(nearest.start, nearest.end)
    );
  }

  /** Code tokens starting within `max` after `from`, or ending within `max` before it. */
  tokensAfter(from: number, max: number): CodeToken[] {
    const tokens = this.tokens;
    const found: CodeToken[] = [];
    for (let index = firstEndingAfter(tokens, from); index < tokens.length; index++) {
      const token = tokens[index] as CodeToken;
      if (token.start - from > max) break;
      if (token.start >= from) found.push(token);
    }
    return found;
  }

  tokensBefore(to: number, max: number): CodeToken[] {
    const tokens = this.tokens;
    const found: CodeToken[] = [];
    for (let index = firstEndingAfter(tokens, to - max - 1); index < tokens.length; index++) {
      const token = tokens[index] as CodeToken;
      if (token.end > to) break;
      if (to - token.end <= max) found.push(token);
    }
    return found.reverse();
  }

  touchesHarmless(start: number, end: number): boolean {
    return anyWithin(this.hits('harmless', HARMLESS), start - TOUCH, end + TOUCH);
  }

  /**
   * Which topic is nearer the candidate: an account (sign in, verify, do not share) or an order,
   * parcel, booking, meeting or discount. Account words inside the candidate itself ("security
   * code") do not count; a tie goes to commerce ("account number").
   */
  topic(start: number, end: number, own: Hit): 'account' | 'commerce' | 'none' {
    const accountHits = this.hits('account', ACCOUNT);
    const account = distance(accountHits, start, end, (hit) => hit.end > own.start && hit.start < own.end);
    // A shop word inside an account phrase is the account's: "para confirmar la compra".
    const commerce = distance(this.hits('commerce', COMMERCE), start, end, (hit) =>
      insideAny(accountHits, hit),
    );
    if (account === undefined && commerce === undefined) return 'none';
    if (commerce === undefined) return 'account';
    if (account === undefined) return 'commerce';
    return account < commerce ? 'account' : 'commerce';
  }

  /**
   * Whether a code-less mention is a notice about codes: a notice word near it or near another
   * mention ("has expired", "we will never ask"), or a scam anywhere in the text (a newsletter's
   * warning), and no code next to it. With a code next to it the message carries one.
   */
  isNotice(hit: Hit): boolean {
    const notices = this.hits('notice', NOTICE);
    // Scam words are notice words too: a text without any notice word is settled at once.
    if (notices.length === 0) return false;
    const nearNotice = (mention: Hit) => anyWithin(notices, mention.start - CONTEXT, mention.end + CONTEXT);
    // A long notice names the code more than once, far apart: one mention near its notice word
    // makes the others notices too.
    if (
      !nearNotice(hit) &&
      this.first('scam', SCAM) === undefined &&
      !this.hits('secret-noun', SECRET).some(nearNotice)
    )
      return false;
    const { lower } = this.text;
    // A ticket's key ("AUTH-412") is shaped like a code, but a notice names tickets; and the
    // number of a hotline or a door next to it ("客服热线:95338") is that thing's.
    const code = (token: CodeToken) =>
      !TICKET_KEY.test(lower.slice(token.start, token.end)) && !this.touchesHarmless(token.start, token.end);
    return (
      !this.tokensAfter(hit.end, CODE_AFTER).some(code) &&
      !this.tokensBefore(hit.start, CODE_BEFORE).some(code)
    );
  }

  vetoedByPolicy(start: number, end: number): boolean {
    const negatives = this.extensions?.negatives;
    return (
      negatives !== undefined &&
      anyWithin(this.hits('policy-negative', negatives), start - CONTEXT, end + CONTEXT)
    );
  }
}

/**
 * Every word that can start a rule without a code nearby (secret-noun, magic-link,
 * contextual-secret-noun, and the sign-in verb that signInLink needs first), in one matcher: one
 * pass tells whether any of those rules could fire at all.
 */
const CODELESS_TRIGGERS = new LexiconMatcher([
  ...LEXICONS.flatMap((lexicon) =>
    [...lexicon.secretNouns, ...lexicon.magicLinks, ...lexicon.contextualSecretNouns].map((source) => ({
      language: lexicon.language,
      source,
    })),
  ),
  ...SIGN_IN.map((source) => ({ language: undefined, source })),
]);
/** Every built-in matcher: their candidate positions are found in one pass per window. */
const BUILT_IN = new MatcherGroup([
  SECRET,
  CONTEXTUAL,
  QUALIFIED,
  CODE_NOUN,
  IMPERATIVE,
  MAGIC,
  ACCOUNT,
  COMMERCE,
  HARMLESS,
  LINK,
  SIGN_IN_VERB,
  BY_COLON,
  ONE_TIME,
  RESET,
  NOTICE,
  SCAM,
  CODELESS_TRIGGERS,
]);
const LOWERCASE_LETTER = /\p{Ll}/u;
/** Japanese and Korean put the copula after the noun: "…コードです", "…코드입니다". */
const COPULA_AFTER = /^(?:です|でした|だ|입니다|이에요|예요)/;
const ONE_CLAUSE = /^[^.!?;。！？、,]*$/;
const VOWEL = /[aeiou]/;
const TICKET_KEY = /^[a-z]{2,}-\d+$/;
/** findCapitalTokens needs four capitals in a row somewhere, whatever slice it is given. */
const FOUR_CAPITALS = /[A-Z]{4}/;

/**
 * The first rule that fires in the window. With `spans: false` (isOtp: a yes or no) a standalone
 * match is not widened to the code next to it, which spares finding the code tokens when a secret
 * noun or a magic link decides.
 */
export function evaluateWindow(
  text: NormalizedText,
  extensions?: CompiledExtensions,
  spans = true,
): Match | undefined {
  const scan = new Scan(text, extensions, spans);
  // The fast path skips only rules that cannot fire, so the first rule that matches, and hence the
  // verdict, is the one the full sequence finds (test/unit/otp-fast-path.property.test.ts).
  const standing =
    policyPatterns(scan) ??
    standalone(scan, 'policy-phrase', extensions?.phrases) ??
    firstStandalone(scan, 'secret-noun', SECRET) ??
    firstStandalone(scan, 'magic-link', MAGIC);
  if (standing !== undefined) return standing;
  const codes = scan.tokens.length > 0;
  // Most snippets: no code-shaped token (nor capitals that could be one), so only the code-less
  // rules remain, and usually none of their words occurs either.
  if (!codes && !FOUR_CAPITALS.test(text.cased)) {
    // Without a code, a qualified noun fires only in a preview cut before its code.
    const cut = endsHandingOver(text.lower);
    if (!cut && scan.first('codeless', CODELESS_TRIGGERS) === undefined) return undefined;
    return (
      (cut ? nounWithCode(scan, 'qualified-code', QUALIFIED) : undefined) ??
      contextualSecret(scan) ??
      signInLink(scan)
    );
  }
  return (
    nounWithCode(scan, 'qualified-code', QUALIFIED) ??
    nounWithCode(scan, 'code-connector', CODE_NOUN) ??
    (codes ? imperative(scan) : undefined) ??
    (codes ? signInCode(scan) : undefined) ??
    contextualSecret(scan) ??
    signInLink(scan)
  );
}

/** Every rule in order, no shortcut: the reference the fast path is tested against. */
export function evaluateWindowFully(
  text: NormalizedText,
  extensions?: CompiledExtensions,
): Match | undefined {
  const scan = new Scan(text, extensions);
  return (
    policyPatterns(scan) ??
    standalone(scan, 'policy-phrase', extensions?.phrases) ??
    standalone(scan, 'secret-noun', SECRET) ??
    standalone(scan, 'magic-link', MAGIC) ??
    nounWithCode(scan, 'qualified-code', QUALIFIED) ??
    nounWithCode(scan, 'code-connector', CODE_NOUN) ??
    imperative(scan) ??
    signInCode(scan) ??
    contextualSecret(scan) ??
    signInLink(scan)
  );
}

function policyPatterns(scan: Scan): Match | undefined {
  for (const pattern of scan.extensions?.patterns ?? []) {
    pattern.lastIndex = 0;
    const match = pattern.exec(scan.text.lower);
    if (match === null) continue;
    const end = match.index + Math.max(match[0].length, 1);
    if (!scan.vetoedByPolicy(match.index, end))
      return {
        rule: 'policy-pattern',
        start: match.index,
        end,
        word: undefined,
      };
  }
  return undefined;
}

function standalone(scan: Scan, rule: RuleId, matcher: LexiconMatcher | undefined): Match | undefined {
  if (matcher === undefined) return undefined;
  for (const hit of scan.hits(rule, matcher)) {
    if (rule !== 'policy-phrase' && !standsAlone(scan, rule, hit)) continue;
    if (!scan.vetoedByPolicy(hit.start, hit.end)) return withCode(scan, rule, hit, matcher);
  }
  return undefined;
}

/**
 * Whether a built-in word counts by itself: not a notice about codes, nor (for a secret noun) a
 * harmless kind's ("取貨驗證碼": a parcel pickup's "verification code").
 */
function standsAlone(scan: Scan, rule: RuleId, hit: Hit): boolean {
  // Only a kind in front: after the noun stands the sender ("code de vérification Booking.com").
  if (rule === 'secret-noun' && scan.touchesHarmless(hit.start, hit.start)) return false;
  return !scan.isNotice(hit);
}

/**
 * `standalone` where no policy negative can veto: the first hit decides, so the scan stops there
 * (unless it does not stand alone: then the others are tried in turn).
 */
function firstStandalone(scan: Scan, rule: RuleId, matcher: LexiconMatcher): Match | undefined {
  if (scan.extensions?.negatives !== undefined) return standalone(scan, rule, matcher);
  const hit = scan.first(rule, matcher);
  if (hit === undefined) return undefined;
  return standsAlone(scan, rule, hit) ? withCode(scan, rule, hit, matcher) : standalone(scan, rule, matcher);
}

/**
 * A noun with a code near it. `qualified-code` nouns ("security code") need no more than that
 * and no commerce topic; bare code nouns need the code introduced tightly ("code: 4821",
 * "4821 is your code") or an account topic.
 */
function nounWithCode(
  scan: Scan,
  rule: 'qualified-code' | 'code-connector',
  matcher: LexiconMatcher,
): Match | undefined {
  const { lower } = scan.text;
  for (const hit of scan.hits(rule, matcher)) {
    // "código de acceso": the qualified noun was judged with its own words left out of the topic;
    // its bare "código" must not win on those same words ("acceso") what the whole noun lost.
    if (rule === 'code-connector' && insideAny(scan.hits('qualified-code', QUALIFIED), hit)) continue;
    const candidates = codesNear(scan, rule, hit);
    if (candidates.length === 0 && rule === 'qualified-code' && cutBeforeItsCode(scan, hit))
      return match(rule, hit, matcher, hit.start, lower.length);
    // Checked after the candidates (all side-effect free): no code near the noun spares the scan.
    if (candidates.length === 0 || scan.touchesHarmless(hit.start, hit.end)) continue;
    for (const { token, tight } of candidates) {
      // A number only near the noun that is some other thing's: "… your password. Case 448201",
      // "password changed on June 4, 2024".
      if (!tight && (yearShaped(lower, token) || scan.touchesHarmless(token.start, token.end))) continue;
      if (scan.claimedByHarmless(token)) continue;
      const start = Math.min(hit.start, token.start);
      const end = Math.max(hit.end, token.end);
      if (scan.vetoedByPolicy(start, end)) continue;
      const topic = scan.topic(start, end, hit);
      if (topic === 'commerce') continue;
      if (rule === 'qualified-code' && (tight || token.kind !== 'letters'))
        return match(rule, hit, matcher, start, end);
      if (rule === 'code-connector' && topic === 'account') {
        return match(tight ? 'code-connector' : 'code-in-account-context', hit, matcher, start, end);
      }
      // With no account in sight, "use code BDAY20": a word and a number is a promo code's shape.
      if (rule === 'code-connector' && tight && !promoShaped(lower, token))
        return match(rule, hit, matcher, start, end);
    }
  }
  return undefined;
}

/**
 * A preview cut off right where the qualified noun's code would follow ("Tu código de acceso a
 * Glovo es"): the text ends by handing a code over, no harmless kind is attached, no shop is nearer.
 */
function cutBeforeItsCode(scan: Scan, hit: Hit): boolean {
  const { lower } = scan.text;
  if (lower.length - hit.end > HANDED_OVER_AFTER || !HANDED_OVER_GAP.test(lower.slice(hit.end))) return false;
  return !scan.touchesHarmless(hit.start, hit.end) && scan.topic(hit.start, lower.length, hit) !== 'commerce';
}

interface CodeCandidate {
  token: CodeToken;
  /** Introduced as the noun's code ("code: 4821", "4821 is your code"), not only near it. */
  tight: boolean;
}

/** The code tokens near a noun, each marked whether the noun introduces it. */
function codesNear(scan: Scan, rule: 'qualified-code' | 'code-connector', hit: Hit): CodeCandidate[] {
  const { lower } = scan.text;
  const candidates: CodeCandidate[] = [];
  // "Your confirmation code is below — … XRP-4KD": the first code further on is the one.
  const below = BELOW_START.test(lower.slice(hit.end, hit.end + BELOW_WORDS))
    ? scan.tokensAfter(hit.end, BELOW_AFTER)[0]
    : undefined;
  if (below !== undefined && below.start - hit.end > HANDED_OVER_AFTER)
    candidates.push({ token: below, tight: true });
  for (const token of scan.tokensAfter(hit.end, HANDED_OVER_AFTER)) {
    const gap = lower.slice(hit.end, token.start);
    const tight =
      (gap.length <= TIGHT_AFTER && CONNECTOR_GAP.test(gap)) ||
      handsOver(scan, rule, gap, hit.end) ||
      token === below;
    if (tight || gap.length <= CODE_AFTER) candidates.push({ token, tight });
  }
  // "372918 — Revolut 코드입니다", "382 947 があなたのInstagramコードです": the copula follows the noun.
  const copulaAfter = COPULA_AFTER.test(lower.slice(hit.end, hit.end + 3));
  for (const token of scan.tokensBefore(hit.start, CODE_BEFORE)) {
    const gap = lower.slice(token.end, hit.start);
    const tight = COPULA_GAP.test(gap) || (copulaAfter && gap.length <= TIGHT_AFTER && ONE_CLAUSE.test(gap));
    candidates.push({ token, tight });
  }
  if (candidates.length > 0) return candidates;
  // An all-capital code counts only where it is introduced as one: "code: KXQWPT". In a text
  // without lowercase letters every word is all capitals, so there only a vowel-free one,
  // shaped like a generated code, counts ("YOUR CODE EXPIRED" is no code).
  const to = Math.min(lower.length, hit.end + TIGHT_AFTER);
  for (const token of findCapitalTokens(scan.text.cased, hit.end, to)) {
    if (scan.shouting && VOWEL.test(lower.slice(token.start, token.end))) continue;
    if (CONNECTOR_GAP.test(lower.slice(hit.end, token.start))) candidates.push({ token, tight: true });
  }
  return candidates;
}

/**
 * Whether the phrase between a noun and a code (`gap`, from `at`) hands the code over at its end. A
 * bare "code" does so with a colon only when the phrase says what the code is for (PURPOSE_START)
 * or that it signs you in.
 */
function handsOver(scan: Scan, rule: 'qualified-code' | 'code-connector', gap: string, at: number): boolean {
  if (gap.length <= 1) return false;
  // "le code … dont vous avez besoin pour vous connecter au compte kevin_75 : 4XN9C" says it too.
  const forSigningIn = () => anyWithin(scan.hits('sign-in', SIGN_IN_VERB), at, at + gap.length);
  return rule === 'qualified-code' || PURPOSE_START.test(gap) || forSigningIn()
    ? HANDED_OVER_GAP.test(gap)
    : HANDED_OVER_BY_WORD_GAP.test(gap);
}

/**
 * A word of three or more letters, a vowel among them, then one to four digits: "SAVE20",
 * "WELCOME10". Code generators that leave out vowels (so as never to spell a word) are spared.
 */
const PROMO_SHAPE = /^(?=[a-z]*[aeiou])[a-z]{3,}\d{1,4}$/;

const YEAR = /^(?:19|20)\d\d$/;

function yearShaped(lower: string, token: CodeToken): boolean {
  return token.end - token.start === 4 && YEAR.test(lower.slice(token.start, token.end));
}

function promoShaped(lower: string, token: CodeToken): boolean {
  return token.kind === 'alphanumeric' && PROMO_SHAPE.test(lower.slice(token.start, token.end));
}

/** "Enter 604211 to sign in", "Type 4821 into the app", "123456を入力してログイン": about an account only. */
function imperative(scan: Scan): Match | undefined {
  const { lower } = scan.text;
  for (const hit of scan.hits('imperative', IMPERATIVE)) {
    const tokens = [
      ...scan.tokensAfter(hit.end, HANDED_OVER_AFTER).filter((token) => {
        const gap = lower.slice(hit.end, token.start);
        return (gap.length <= IMPERATIVE_AFTER && FILLER_GAP.test(gap)) || CLAUSE_THEN_COLON_GAP.test(gap);
      }),
      ...scan
        .tokensBefore(hit.start, IMPERATIVE_BEFORE)
        .filter((token) => FILLER_GAP.test(lower.slice(token.end, hit.start))),
    ];
    for (const token of tokens) {
      const start = Math.min(hit.start, token.start);
      const end = Math.max(hit.end, token.end);
      if (scan.touchesHarmless(token.start, token.end) || scan.vetoedByPolicy(start, end)) continue;
      if (scan.claimedByHarmless(token)) continue;
      const topic = scan.topic(start, end, hit);
      // "Enter this code to continue: 392018": told to enter a code, with no shop in sight (and
      // not one shaped like a promo code: "Use code BDAY20 for a treat").
      const codeNamed =
        topic === 'none' &&
        !promoShaped(lower, token) &&
        anyWithin(scan.hits('code-connector', CODE_NOUN), hit.start - NOUN_BEFORE_VERB, token.start);
      if (topic === 'account' || codeNamed) return match('imperative', hit, IMPERATIVE, start, end);
    }
  }
  return undefined;
}

/** How far after its words a code given by a colon may stand. */
const BY_COLON_AFTER = 48;

/**
 * "C'est bien vous ? Voici de quoi vous connecter : 501 288", "Don't give this to anyone: 772019":
 * no noun for the code, so only a number counts (not "Login: alex42"), given by a colon within the
 * sentence, with no shop nearer than an account.
 */
function signInCode(scan: Scan): Match | undefined {
  const { lower } = scan.text;
  for (const hit of scan.hits('by-colon', BY_COLON)) {
    for (const token of scan.tokensAfter(hit.end, BY_COLON_AFTER)) {
      if (token.kind !== 'digits' || !CLAUSE_THEN_COLON_GAP.test(lower.slice(hit.end, token.start))) continue;
      const start = hit.start;
      const end = token.end;
      if (scan.touchesHarmless(token.start, token.end) || scan.vetoedByPolicy(start, end)) continue;
      if (scan.topic(start, end, hit) !== 'commerce') return match('sign-in-code', hit, BY_COLON, start, end);
    }
  }
  return undefined;
}

/** "passcode" by itself, unless the meeting invite (or a parcel locker) is the nearer topic. */
function contextualSecret(scan: Scan): Match | undefined {
  for (const hit of scan.hits('contextual', CONTEXTUAL)) {
    if (scan.touchesHarmless(hit.start, hit.end) || scan.vetoedByPolicy(hit.start, hit.end)) continue;
    if (scan.isNotice(hit)) continue;
    if (scan.topic(hit.start, hit.end, hit) !== 'commerce')
      return withCode(scan, 'contextual-secret-noun', hit, CONTEXTUAL);
  }
  return undefined;
}

/**
 * "Click the link below to sign in. It expires in 15 minutes." A link that signs you in once is
 * an authentication secret; "log in to view your statement" (no one-time signal) and password
 * reset links are not.
 */
function signInLink(scan: Scan): Match | undefined {
  const signIns = scan.hits('sign-in', SIGN_IN_VERB);
  if (signIns.length === 0) return undefined;
  for (const hit of scan.hits('link', LINK)) {
    if (!anyWithin(signIns, hit.start - 80, hit.end + 80)) continue;
    if (!anyWithin(scan.hits('one-time', ONE_TIME), hit.start - 160, hit.end + 160)) continue;
    if (anyWithin(scan.hits('reset', RESET), hit.start - 80, hit.end + 80)) continue;
    if (scan.isNotice(hit)) continue;
    if (!scan.vetoedByPolicy(hit.start, hit.end)) return match('magic-link', hit, LINK, hit.start, hit.end);
  }
  return undefined;
}

/** A standalone match, widened to the code next to it (masked later) when there is one. */
function withCode(scan: Scan, rule: RuleId, hit: Hit, matcher: LexiconMatcher): Match {
  const token = scan.spans ? scan.tokensAfter(hit.end, TIGHT_AFTER)[0] : undefined;
  return match(rule, hit, matcher, hit.start, token === undefined ? hit.end : token.end);
}

function match(rule: RuleId, hit: Hit, matcher: LexiconMatcher, start: number, end: number): Match {
  return { rule, start, end, word: { hit, matcher } };
}

/** The language a match is in, worked out only for a verdict that reports it (isOtp needs none). */
export function matchLanguage(text: NormalizedText, match: Match): Language | undefined {
  if (match.word === undefined) return undefined;
  const wordLanguage = match.word.matcher.languageAt(text.lower, match.word.hit.start);
  // The words of a language-specific lexicon name their language; English words ("OTP",
  // "code", "PIN") are used everywhere, so the text around them decides.
  if (wordLanguage !== 'en' && wordLanguage !== undefined) return wordLanguage;
  const around = text.lower.slice(Math.max(0, match.start - 80), match.end + 80);
  return guessLanguage(around) ?? wordLanguage;
}

/** Index of the first token whose end is after `position` (tokens are sorted and disjoint). */
function firstEndingAfter(tokens: readonly CodeToken[], position: number): number {
  let low = 0;
  let high = tokens.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((tokens[middle] as CodeToken).end <= position) low = middle + 1;
    else high = middle;
  }
  return low;
}

function firstHitEndingAfter(hits: readonly Hit[], position: number): number {
  let low = 0;
  let high = hits.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((hits[middle] as Hit).end < position) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Whether a hit lies within one of `hits` (sorted, none overlapping). */
function insideAny(hits: readonly Hit[], inner: Hit): boolean {
  const index = firstHitEndingAfter(hits, inner.end);
  const hit = hits[index];
  return hit !== undefined && hit.start <= inner.start && hit.end >= inner.end;
}

/** Whether one of `hits` (sorted, none overlapping) reaches into [start, end]. */
function anyWithin(hits: readonly Hit[], start: number, end: number): boolean {
  const hit = hits[firstHitEndingAfter(hits, start)];
  return hit !== undefined && hit.start <= end;
}

/** Distance from a span to the nearest hit within CONTEXT (leaving out the hits `skip` names), or undefined. */
function distance(
  hits: readonly Hit[],
  start: number,
  end: number,
  skip: (hit: Hit) => boolean,
): number | undefined {
  let best: number | undefined;
  for (let index = firstHitEndingAfter(hits, start - CONTEXT); index < hits.length; index++) {
    const hit = hits[index] as Hit;
    if (hit.start > end + CONTEXT) break;
    if (skip(hit)) continue;
    const overlaps = hit.end > start && hit.start < end;
    const gap = overlaps ? 0 : hit.end <= start ? start - hit.end : hit.start - end;
    if (best === undefined || gap < best) best = gap;
  }
  return best;
}
