/**
 * One normal form for every snippet, so the lexicon is written once: compatibility forms folded
 * (full-width digits, ligatures, half-width katakana), HTML remnants gone, accents on Latin letters
 * dropped ("vérification" = "verification", "doğrulama" = "dogrulama"), dashes and quotes unified,
 * whitespace collapsed. `cased` keeps letter case (an all-capitals token can be a code); `lower`
 * is the same text lowercased, position for position.
 */
import { namedEntity } from './html-entities.ts';
import { foldLookalikes } from './lookalikes.ts';
import { joinSpacedLetters } from './spaced-letters.ts';
import { isWhitespace } from './whitespace.ts';

export { isWhitespace } from './whitespace.ts';

export interface NormalizedText {
  cased: string;
  lower: string;
}

const HTML_TAG = /<[^<>]{0,400}>/g;
const HTML_ENTITY = /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z][a-z0-9]{1,7}));/gi;
// With the emoji variation selectors and the keycap mark: "4️⃣8️⃣2️⃣" reads 482.
// Bidirectional marks and isolates too: "‏8‎0‎4‎5‎1‎7‏" reads 804517.
const INVISIBLE = /[\u00AD\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]|\uFE0E|\uFE0F|\u20E3/g;
const INVISIBLE_ONE = new RegExp(INVISIBLE.source);
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const QUOTES = /[\u2018\u2019\u201B\u2032\u02BC]/g;
/** "№ 58214" is a number sign, as "#" is (NFKC would make it "No", and "No58214" looks like a code). */
const NUMERO_SIGN = '\u2116';
const NUMERO_SIGNS = new RegExp(NUMERO_SIGN, 'g');
/** Marks on a Latin letter after canonical decomposition; kana keep their voicing marks. */
const LATIN_MARKS = /(\p{Script=Latin})\p{M}+/gu;
const ACCENTED_LATIN = /[\u00C0-\u024F\u1E00-\u1EFF]/;
const NON_ASCII = /[\u0080-\uFFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a compatibility form may hold any ASCII character.
const ASCII_ONLY = /^[\u0000-\u007F]+$/;

/**
 * Characters NFKC leaves unchanged, alone and next to each other: each is its own NFKC form, none
 * is a combining mark, and neither it nor the first character of its canonical decomposition is
 * ever the second of a canonical composition pair (test/unit/otp-normalize.property.test.ts checks
 * every one against the Unicode data of the running engine). Text made only of these skips NFKC.
 */
const NFKC_STABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are NFKC-stable too.
  /^[\u0000-\u007F\u0080-\u009F\u00A1-\u00A7\u00A9\u00AB-\u00AE\u00B0-\u00B1\u00B6-\u00B7\u00BB\u00BF-\u0131\u0134-\u013E\u0141-\u0148\u014A-\u017E\u0180-\u01C3\u01CD-\u01F0\u01F4-\u024F\u0400-\u0482\u048A-\u04FF\u200B-\u2010\u2012-\u2016\u2018-\u2023\u2027-\u202E\u2030-\u2032\u2035\u2038-\u203B\u203D\u203F-\u2046\u204A-\u2056\u2058-\u205E\u2060-\u206F\u20A0-\u20A7\u20A9-\u20CF\u2190-\u21FF\u2500-\u27BF\u3001-\u3029\u3030-\u3035\u3037\u303B-\u3098\u309D-\u309E\u30A0-\u30FE\u4E00-\u9FFF\uAC00-\uD7A3\u{1F300}-\u{1FAFF}]*$/u;
const ACCENTED_LATIN_ALL = /[\u00C0-\u024F\u1E00-\u1EFF]/g;
/** Full-width ASCII and the ideographic space, whose compatibility decomposition is one ASCII character. */
const FULL_WIDTH = /[\u3000\uFF01-\uFF5E]/;
const FULL_WIDTH_ALL = /[\u3000\uFF01-\uFF5E]/g;
const toHalfWidth = (character: string): string =>
  character === '\u3000' ? ' ' : String.fromCharCode(character.charCodeAt(0) - 0xfee0);
/** Each accented Latin letter's folded form; text made of NFKC_STABLE characters folds letter by letter. */
const FOLDED_LATIN = new Map<string, string>();

/** Folds accents and compatibility forms only; used for lexicon sources and user phrases too. */
export function foldText(raw: string): string {
  if (!NON_ASCII.test(raw)) return raw;
  // A character replaced by its compatibility decomposition leaves the NFKC form unchanged.
  const text = FULL_WIDTH.test(raw) ? raw.replace(FULL_WIDTH_ALL, toHalfWidth) : raw;
  if (!NFKC_STABLE.test(text)) return foldTextFully(raw);
  if (!ACCENTED_LATIN.test(text)) return text;
  return text.replace(ACCENTED_LATIN_ALL, (letter) => FOLDED_LATIN.get(letter) ?? foldTextFully(letter));
}

/** foldText without the shortcut: the reference it is tested against. */
export function foldTextFully(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  const composed = text.normalize('NFKC');
  // Decomposing is only needed where a Latin letter carries an accent (NFKC has composed them).
  if (!ACCENTED_LATIN.test(composed)) return composed;
  return composed.normalize('NFD').replace(LATIN_MARKS, '$1').normalize('NFC');
}

for (let code = 0xc0; code <= 0x24f; code++) {
  const letter = String.fromCharCode(code);
  FOLDED_LATIN.set(letter, foldTextFully(letter));
}

export function normalizeText(raw: string): NormalizedText {
  // Entities are decoded after tags are stripped and before the fold: the stepwise path keeps that order.
  const folded = raw.includes('&') ? undefined : normalizeInOnePass(joinSpacedLetters(raw));
  if (folded === undefined) return normalizeTextStepwise(raw);
  return withLowercase(foldLookalikes(folded));
}

/** normalizeText one step after another: the reference the one-pass normalization is tested against. */
export function normalizeTextStepwise(raw: string): NormalizedText {
  let text = joinSpacedLetters(raw);
  if (text.includes('<')) text = stripTags(text);
  if (text.includes('&')) text = text.replace(HTML_ENTITY, decodeEntity);
  if (NON_ASCII.test(text)) text = foldForMatching(text);
  return withLowercase(foldLookalikes(collapseWhitespace(text)));
}

function withLowercase(cased: string): NormalizedText {
  const lower = cased.toLowerCase();
  // Lowercasing may lengthen a few characters; then positions would not line up, and case is
  // only a hint (all-capital codes), so the lowercase text stands for both.
  return { cased: lower.length === cased.length ? cased : lower, lower };
}

/**
 * Tags stripped, the text folded (foldForMatching) and whitespace collapsed in a single pass that
 * copies the runs it leaves alone: each step's output is the next one's input, character by
 * character, so they compose. Undefined when a character needs the full fold (then foldForMatching
 * folds the whole text at once, and the stepwise path does that).
 */
function normalizeInOnePass(raw: string): string | undefined {
  let out = '';
  let copiedTo = 0;
  // Whether the last character written is whitespace: the next whitespace joins its run.
  let afterSpace = false;
  for (let index = 0; index < raw.length; index++) {
    const code = raw.charCodeAt(index);
    if (code < 0x80) {
      if (code === 0x3c) {
        const close = tagEnd(raw, index);
        if (close !== -1) {
          // A tag is a space to the collapse (one space, or none after a space), or nothing at all.
          const space = tagText(raw, index) === ' ';
          out += space && !afterSpace ? `${raw.slice(copiedTo, index)} ` : raw.slice(copiedTo, index);
          copiedTo = close + 1;
          index = close;
          if (space) afterSpace = true;
          continue;
        }
      }
      if (isWhitespace(code)) {
        if (afterSpace || code !== 0x20) {
          out += afterSpace ? raw.slice(copiedTo, index) : `${raw.slice(copiedTo, index)} `;
          copiedTo = index + 1;
        }
        afterSpace = true;
      } else afterSpace = false;
      continue;
    }
    const kind = foldKindAt(raw, index, code);
    if (kind === NEEDS_FULL_FOLD) return undefined;
    if (kind === KEPT_PAIR) {
      index += 1;
      afterSpace = false;
      continue;
    }
    if (kind === KEPT && !isWhitespace(code)) {
      afterSpace = false;
      continue;
    }
    // A folded character (or whitespace) goes through the collapse as written.
    out += raw.slice(copiedTo, index);
    copiedTo = index + 1;
    const folded = kind === KEPT ? String.fromCharCode(code) : (FOLDED_CHAR[code] as string);
    for (let at = 0; at < folded.length; at++) {
      const next = folded.charCodeAt(at);
      if (!isWhitespace(next)) {
        out += folded[at];
        afterSpace = false;
      } else if (!afterSpace) {
        out += ' ';
        afterSpace = true;
      }
    }
  }
  return copiedTo === 0 ? raw : out + raw.slice(copiedTo);
}

/** Invisible characters dropped, accents and compatibility forms folded, dashes and quotes unified. */
export function foldForMatching(text: string): string {
  // NFKC-stable text folds character by character (see NFKC_STABLE): one pass over it, copying
  // the runs that stay as they are, instead of five passes; any other text takes the full fold.
  let folded = '';
  let copiedTo = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) continue;
    const kind = foldKindAt(text, index, code);
    if (kind === KEPT) continue;
    if (kind === KEPT_PAIR) {
      index += 1;
      continue;
    }
    if (kind === NEEDS_FULL_FOLD) return foldForMatchingFully(text);
    folded += text.slice(copiedTo, index) + (FOLDED_CHAR[code] as string);
    copiedTo = index + 1;
  }
  return copiedTo === 0 ? text : folded + text.slice(copiedTo);
}

const UNKNOWN = 0;
const KEPT = 1;
const REPLACED = 2;
const NEEDS_FULL_FOLD = 3;
/** An emoji: a surrogate pair kept as it is. */
const KEPT_PAIR = 4;

/** What the character-by-character fold does with the non-ASCII code unit `code` at `index`. */
function foldKindAt(text: string, index: number, code: number): number {
  if (code >= 0xd800 && code <= 0xdfff) {
    // Emoji are NFKC-stable; any other astral character (or a lone surrogate) takes the full fold.
    const point = text.codePointAt(index) as number;
    return point >= 0x1f300 && point <= 0x1faff ? KEPT_PAIR : NEEDS_FULL_FOLD;
  }
  return FOLD_KIND[code] === UNKNOWN ? classifyFold(code) : (FOLD_KIND[code] as number);
}
/** What foldForMatching does with each BMP character in stable text, worked out on first sight. */
const FOLD_KIND = new Uint8Array(0x10000);
const FOLDED_CHAR: string[] = [];

function classifyFold(code: number): number {
  const character = String.fromCharCode(code);
  let kind = NEEDS_FULL_FOLD;
  // Invisible characters are dropped and full-width forms made ASCII before the stability check.
  if (INVISIBLE_ONE.test(character)) {
    kind = REPLACED;
    FOLDED_CHAR[code] = '';
  } else if (NUMERO_SIGN === character) {
    kind = REPLACED;
    FOLDED_CHAR[code] = '#';
  } else if (FULL_WIDTH.test(character)) {
    kind = REPLACED;
    FOLDED_CHAR[code] = toHalfWidth(character);
  } else if (NFKC_STABLE.test(character)) {
    const folded = foldForMatchingFully(character);
    kind = folded === character ? KEPT : REPLACED;
    FOLDED_CHAR[code] = folded;
  } else if (ASCII_ONLY.test(character.normalize('NFKC'))) {
    // No-break and typographic spaces, "…", "º", "²", "™", ligatures: an ASCII compatibility form
    // (no combining mark has one) composes with neither neighbour: no ASCII character is the second
    // of a composition pair, and a combining mark after it takes the full fold anyway.
    kind = REPLACED;
    FOLDED_CHAR[code] = foldForMatchingFully(character);
  }
  FOLD_KIND[code] = kind;
  return kind;
}

/** foldForMatching without the shortcut: the reference it is tested against. */
export function foldForMatchingFully(text: string): string {
  return foldText(text.replace(INVISIBLE, '').replace(NUMERO_SIGNS, '#'))
    .replace(DASHES, '-')
    .replace(QUOTES, "'");
}

/**
 * stripTagsFully by indexOf: a tag is a "<" whose next "<" or ">" is a ">" at most 400 characters
 * on; the class excludes both, so the regex can match no other way.
 */
export function stripTags(text: string): string {
  let stripped = '';
  let copiedTo = 0;
  let open = text.indexOf('<');
  while (open !== -1) {
    const close = tagEnd(text, open);
    if (close !== -1) {
      stripped += text.slice(copiedTo, open) + tagText(text, open);
      copiedTo = close + 1;
      open = text.indexOf('<', copiedTo);
    } else open = text.indexOf('<', open + 1);
  }
  return copiedTo === 0 ? text : stripped + text.slice(copiedTo);
}

/** Where the tag opened at `open` ends (its ">"), or -1 when the "<" opens none. */
function tagEnd(text: string, open: number): number {
  const last = Math.min(text.length, open + 402);
  for (let close = open + 1; close < last; close++) {
    const code = text.charCodeAt(close);
    if (code === 0x3e) return close;
    if (code === 0x3c) return -1;
  }
  return -1;
}

/**
 * Tags gone as a browser renders them: an inline element's tags leave nothing ("co<b>de</b>",
 * "48<span>29</span>13"), any other tag a space. The reference stripTags is tested against.
 */
export function stripTagsFully(text: string): string {
  return text.replace(HTML_TAG, (tag) => (INLINE_TAG.test(tag) ? '' : ' '));
}

/** Tags of the elements a browser lays out inline, which add no space to the text. */
const INLINE_TAG =
  /^<\/?(?:a|abbr|b|bdi|bdo|big|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strike|strong|sub|sup|time|tt|u|var|wbr)(?=[\s/>])/i;

/** What the tag opened at `open` leaves in the text: nothing for an inline element's, else a space. */
function tagText(text: string, open: number): string {
  INLINE_TAG_AT.lastIndex = open;
  return INLINE_TAG_AT.test(text) ? '' : ' ';
}
const INLINE_TAG_AT = new RegExp(INLINE_TAG.source.slice(1), 'iy');

/**
 * Every run of whitespace becomes one space, as `text.replace(/\s+/g, ' ')` does: one pass that
 * copies the text between the runs it replaces (a lone space stays as it is).
 */
export function collapseWhitespace(text: string): string {
  let collapsed = '';
  let copiedTo = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (!isWhitespace(code)) continue;
    let end = index + 1;
    while (end < text.length && isWhitespace(text.charCodeAt(end))) end += 1;
    if (end - index > 1 || code !== 0x20) {
      collapsed += `${text.slice(copiedTo, index)} `;
      copiedTo = end;
    }
    index = end - 1;
  }
  return copiedTo === 0 ? text : collapsed + text.slice(copiedTo);
}

function decodeEntity(entity: string, decimal?: string, hex?: string, name?: string): string {
  const codePoint =
    decimal !== undefined ? Number(decimal) : hex !== undefined ? Number.parseInt(hex, 16) : NaN;
  if (Number.isFinite(codePoint)) {
    return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : ' ';
  }
  return namedEntity(name ?? '') ?? entity;
}
