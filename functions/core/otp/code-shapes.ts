/**
 * What a one-time code looks like once normalized: 4–10 digits, whole or in groups ("449 201",
 * "482-913", "33-19-02") or spaced out one by one ("5 5 2 0 1 9", as letter-spaced HTML reads);
 * letters and digits mixed ("7ht2k", "4f7k-2m9q"); or, only where a rule says the token is
 * introduced as a code, 4–10 capital letters ("KXQWPT").
 *
 * Every quantifier is bounded and no repeated group can match the same text two ways, so a long
 * run of digits or spaces costs linear time.
 */
export interface CodeToken {
  start: number;
  end: number;
  /** `letters`: all capitals, no digit; a code only where a rule introduces it as one. */
  kind: 'digits' | 'alphanumeric' | 'letters';
}

/**
 * Not inside a longer word or number, a decimal, a date, a time, a path, an amount, an e-mail
 * address, or a masked number's group ("010-****-8823"; "**MJ4K8P**" is bold, not masked).
 */
const STARTS_NO_CODE = String.raw`\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{N}_./@#$€£¥+,`;
const BEFORE = String.raw`(?<![${STARTS_NO_CODE}]|\p{N}-|\*-)`;
const CJK_DATE_UNITS = '年月日時时分秒년월일';
/**
 * What no code ends before: a letter, a number, an amount's sign, or the CJK unit of a date or a
 * time ("2024年10月", "2024년"): the end of a longer thing.
 */
const ENDS_NO_CODE = String.raw`\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{N}_@%€$£¥${CJK_DATE_UNITS}`;
const AFTER = String.raw`(?![${ENDS_NO_CODE}]|[./:]\p{N}|-\*| [${CJK_DATE_UNITS}])`;
/** What may stand between the digits of a code spaced out one by one: "5 5 2", "7·4·1", "4|4|8", "7✨0✨2". */
const DIGIT_GAP = String.raw`(?: |[·・|_]|\p{Extended_Pictographic}\uFE0F?)`;
const CODE = new RegExp(
  String.raw`(?=[a-z0-9\p{N}])${BEFORE}(?:\p{N}{2,5}(?:[ -]\p{N}{2,5}){1,3}|\p{N}(?:${DIGIT_GAP}\p{N}){3,7}|(?=[a-z0-9-]{0,16}\d)[a-z0-9]{3,5}(?:-[a-z0-9]{3,5}){1,2}|(?=[a-z]{0,9}\d)[a-z0-9]{4,10})${AFTER}`,
  'gu',
);
const CAPITALS = new RegExp(`${BEFORE}[A-Z]{4,10}${AFTER}`, 'gu');
const DIGIT = /\d/;
/** A letter-led CODE match holds an ASCII digit within its first 17 characters (its lookaheads). */
const LEAD = 16;
const LETTER = /[a-z]/;
/** "10min", "24h", "2nd", "1080p": units and ordinals, not codes. */
const UNIT =
  /^\d+(?:st|nd|rd|th|h|hr|hrs|min|mins|s|sec|secs|ms|am|pm|gb|mb|kb|tb|px|k|x|d|m|km|kg|p|fps|mp|mm|cm)$/;

/** The same regex, tried at one position only. */
const CODE_AT = new RegExp(CODE.source, 'uy');
const NUMBER_AT = /\p{N}/uy;
const NUMBER = /\p{N}/u;

/**
 * Code-shaped tokens of the normalized lowercase text, in order. The regex is tried only where a
 * match can start (mayStartCode): its Unicode lookbehind costs as much at every other position.
 */
export function findCodeTokens(lower: string): CodeToken[] {
  const tokens: CodeToken[] = [];
  if (!DIGIT.test(lower)) return tokens;
  // A match starts at a number, or at a letter with an ASCII digit within LEAD after it: nothing
  // before the first number, less LEAD, starts one.
  for (let position = Math.max(0, lower.search(NUMBER) - LEAD); position < lower.length; position++) {
    if (!mayStartCode(lower, position)) continue;
    const plain = plainDigitsAt(lower, position);
    if (plain === NO_CODE) continue;
    if (plain !== UNDECIDED) {
      tokens.push({ start: position, end: plain, kind: 'digits' });
      position = plain - 1;
      continue;
    }
    CODE_AT.lastIndex = position;
    if (!CODE_AT.test(lower)) continue;
    const text = lower.slice(position, CODE_AT.lastIndex);
    const kind = classify(text);
    if (kind !== undefined) tokens.push({ start: position, end: position + text.length, kind });
    // The scan resumes where a match ends, whether or not it was a code.
    position += text.length - 1;
  }
  return tokens;
}

/**
 * Whether CODE could match at `position`: it starts with [a-z0-9] or a number, not right after
 * an ASCII letter, digit, "_" or one of "./@#$+," (the lookbehind), and a letter start needs an
 * ASCII digit within its first 17 characters of [a-z0-9-] (the lookaheads). Anything non-ASCII
 * before it is left to the regex.
 */
function mayStartCode(text: string, position: number): boolean {
  // Inside a word or number most positions start no code: the lookbehind's cheap half first.
  if (position > 0 && BLOCKS_CODE_AFTER[text.charCodeAt(position - 1)] === 1) return false;
  const code = text.charCodeAt(position);
  const isLetter = code >= 0x61 && code <= 0x7a;
  if (!isLetter && !(code >= 0x30 && code <= 0x39)) {
    if (code < 0x80 || (code >= 0xdc00 && code <= 0xdfff)) return false;
    if (code >= 0xd800 && code <= 0xdbff) {
      NUMBER_AT.lastIndex = position;
      if (!NUMBER_AT.test(text)) return false;
    } else if (!IS_NUMBER.has(code)) return false;
  }
  if (!isLetter) return true;
  for (let at = position + 1; at <= position + LEAD && at < text.length; at++) {
    const next = text.charCodeAt(at);
    if (next >= 0x30 && next <= 0x39) return true;
    if (!((next >= 0x61 && next <= 0x7a) || next === 0x2d)) return false;
  }
  return false;
}

const NO_CODE = 0;
const UNDECIDED = -1;
const isDigit = (code: number) => code >= 0x30 && code <= 0x39;
const isLowerOrDigit = (code: number) => isDigit(code) || (code >= 0x61 && code <= 0x7a);

/**
 * What CODE matches at a position mayStartCode let through, decided without the regex for the
 * commonest shape, a lone run of ASCII digits ("is 81913."): its end, NO_CODE, or UNDECIDED
 * (anything else: letters, groups, non-ASCII around it), which the regex then decides.
 * Where a run of digits is neither followed by a group separator and a digit or letter (the
 * grouped alternatives) nor by a letter, only the plain alternative can match, and only the
 * whole run, as it is 4–10 digits and AFTER holds behind it.
 */
function plainDigitsAt(text: string, position: number): number {
  if (!isDigit(text.charCodeAt(position))) return UNDECIDED;
  // The lookbehind: mayStartCode checked an ASCII character before; "-" needs one more.
  if (position > 0) {
    const before = text.charCodeAt(position - 1);
    if (before >= 0x80) {
      if (isSurrogate(before)) return UNDECIDED;
      if (BLOCKS_START.has(before)) return NO_CODE;
    } else if (before === 0x2d && position > 1) {
      const second = text.charCodeAt(position - 2);
      if (isSurrogate(second)) return UNDECIDED;
      if (second === 0x2a || (second < 0x80 ? isDigit(second) : IS_NUMBER.has(second))) return NO_CODE;
    }
  }
  let end = position + 1;
  while (end < text.length && isDigit(text.charCodeAt(end))) end += 1;
  const length = end - position;
  if (end < text.length) {
    const after = text.charCodeAt(end);
    const next = end + 1 < text.length ? text.charCodeAt(end + 1) : -1;
    // A lone digit may begin a code spaced out by some other gap ("7·4·1", "8_3_5"): the regex decides.
    if (length === 1 && (after >= 0x80 || after === 0x7c || after === 0x5f)) return UNDECIDED;
    // A number of another script, or half of an astral character, next: the regex decides.
    if (isSurrogate(after) || isSurrogate(next) || (after >= 0x80 && IS_NUMBER.has(after))) return UNDECIDED;
    const nextIsNumber = next >= 0x80 ? IS_NUMBER.has(next) : isDigit(next);
    if (after >= 0x61 && after <= 0x7a) return UNDECIDED;
    // A masked number's digits ("010-****"), a year or a time before its CJK unit ("2026 年").
    if ((after === 0x2d && next === 0x2a) || (after === 0x20 && next >= 0x80 && IS_CJK_DATE_UNIT.has(next)))
      return NO_CODE;
    if (after === 0x20 || after === 0x2d) {
      // A group may follow ("449 201", "4f7k-2m9q") when the run is short enough to be one.
      if (length <= 5 && (nextIsNumber || (after === 0x2d && isLowerOrDigit(next)))) return UNDECIDED;
    } else if (after >= 0x80 ? BLOCKS_END.has(after) : BLOCKS_CODE_BEFORE[after] === 1) return NO_CODE;
    else if ((after === 0x2e || after === 0x2f || after === 0x3a) && nextIsNumber) return NO_CODE;
  }
  return length >= 4 && length <= 10 ? end : NO_CODE;
}

const isSurrogate = (code: number) => code >= 0xd800 && code <= 0xdfff;

/**
 * Whether a BMP character (no surrogate) is in a class, from the class's regex, worked out on
 * first sight of each character: a table read instead of a regex call.
 */
class CharacterClass {
  private readonly known = new Uint8Array(0x10000);

  constructor(private readonly pattern: RegExp) {}

  has(code: number): boolean {
    let known = this.known[code] as number;
    if (known === 0) {
      known = this.pattern.test(String.fromCharCode(code)) ? 1 : 2;
      this.known[code] = known;
    }
    return known === 1;
  }
}

const IS_NUMBER = new CharacterClass(/^\p{N}$/u);
const IS_CJK_DATE_UNIT = new CharacterClass(new RegExp(`^[${CJK_DATE_UNITS}]$`));
/** The class of CODE's lookbehind and of its lookahead (AFTER). */
const BLOCKS_START = new CharacterClass(new RegExp(`^[${STARTS_NO_CODE}]$`, 'u'));
const BLOCKS_END = new CharacterClass(new RegExp(`^[${ENDS_NO_CODE}]$`, 'u'));

/** ASCII characters before which no code ends (CODE's lookahead, AFTER). */
const BLOCKS_CODE_BEFORE = new Uint8Array(0x80);
for (const character of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%$') {
  BLOCKS_CODE_BEFORE[character.charCodeAt(0)] = 1;
}

/** ASCII characters after which no code starts (CODE's lookbehind). */
const BLOCKS_CODE_AFTER = new Uint8Array(0x80);
for (const character of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./@#$+,') {
  BLOCKS_CODE_AFTER[character.charCodeAt(0)] = 1;
}

/** findCodeTokens scanning every position: the reference it is tested against. */
export function findCodeTokensFully(lower: string): CodeToken[] {
  if (!DIGIT.test(lower)) return [];
  const tokens: CodeToken[] = [];
  CODE.lastIndex = 0;
  for (let match = CODE.exec(lower); match !== null; match = CODE.exec(lower)) {
    const text = match[0];
    const kind = classify(text);
    if (kind !== undefined) tokens.push({ start: match.index, end: match.index + text.length, kind });
  }
  return tokens;
}

/** All-capital tokens of the cased text: codes only when a rule introduces them as codes. */
export function findCapitalTokens(cased: string, from: number, to: number): CodeToken[] {
  const tokens: CodeToken[] = [];
  const slice = cased.slice(from, to);
  CAPITALS.lastIndex = 0;
  for (let match = CAPITALS.exec(slice); match !== null; match = CAPITALS.exec(slice)) {
    tokens.push({ start: from + match.index, end: from + match.index + match[0].length, kind: 'letters' });
  }
  return tokens;
}

/** Everything in a code that is neither letter nor digit: group and digit gaps. */
const SEPARATOR = /[^\p{L}\p{N}]/gu;
const ALL_NUMBERS = /^\p{N}+$/u;

/**
 * "31-08", "12-24", "2024-05-12", "12-05-2024": a day and a month (in either order), with or
 * without a year, is a date, not a code.
 */
const DAY_AND_MONTH =
  /^(?:(?:19|20)\d\d-)?(?:(?:0[1-9]|[12]\d|3[01])-(?:0[1-9]|1[0-2])|(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))(?:-(?:19|20)\d\d)?$/;

function classify(text: string): CodeToken['kind'] | undefined {
  if (DAY_AND_MONTH.test(text)) return undefined;
  const compact = text.replace(SEPARATOR, '');
  if (ALL_NUMBERS.test(compact)) {
    return compact.length >= 4 && compact.length <= 10 ? 'digits' : undefined;
  }
  if (!DIGIT.test(compact) || !LETTER.test(compact) || compact.length < 4 || compact.length > 12)
    return undefined;
  if (UNIT.test(compact)) return undefined;
  return 'alphanumeric';
}
