/**
 * What a one-time code looks like once normalized: 4–10 digits, whole or in groups ("449 201",
 * "482-913", "33-19-02"); letters and digits mixed ("7ht2k", "4f7k-2m9q"); or, only where a
 * rule says the token is introduced as a code, 4–10 capital letters ("KXQWPT").
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

/** Not inside a longer word or number, a decimal, a date, a path, an amount or an e-mail address. */
const BEFORE = String.raw`(?<![\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{N}_./@#$€£¥+,]|\p{N}-)`;
const AFTER = String.raw`(?![\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{N}_@%€$£¥]|[./]\p{N})`;
const CODE = new RegExp(
  String.raw`(?=[a-z0-9\p{N}])${BEFORE}(?:\p{N}{2,5}(?:[ -]\p{N}{2,5}){1,3}|(?=[a-z0-9-]{0,16}\d)[a-z0-9]{3,5}(?:-[a-z0-9]{3,5}){1,2}|(?=[a-z]{0,9}\d)[a-z0-9]{4,10})${AFTER}`,
  'gu',
);
const CAPITALS = new RegExp(`${BEFORE}[A-Z]{4,10}${AFTER}`, 'gu');
const DIGIT = /\d/;
const NUMBER = /\p{N}/u;
/**
 * Every CODE match holds a number within its first 16 characters (its lookaheads say so), so no
 * match starts more than that before the text's first number: the scan can start there.
 */
const LEAD = 16;
const LETTER = /[a-z]/;
/** "10min", "24h", "2nd", "1080p": units and ordinals, not codes. */
const UNIT =
  /^\d+(?:st|nd|rd|th|h|hr|hrs|min|mins|s|sec|secs|ms|am|pm|gb|mb|kb|tb|px|k|x|d|m|km|kg|p|fps|mp|mm|cm)$/;

/** Code-shaped tokens of the normalized lowercase text, in order. */
export function findCodeTokens(lower: string): CodeToken[] {
  if (!DIGIT.test(lower)) return [];
  return scanCodeTokens(lower, Math.max(0, lower.search(NUMBER) - LEAD));
}

/** findCodeTokens scanning from the start: the reference it is tested against. */
export function findCodeTokensFully(lower: string): CodeToken[] {
  if (!DIGIT.test(lower)) return [];
  return scanCodeTokens(lower, 0);
}

function scanCodeTokens(lower: string, from: number): CodeToken[] {
  const tokens: CodeToken[] = [];
  CODE.lastIndex = from;
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

const SEPARATOR = /[ -]/g;
const ALL_NUMBERS = /^\p{N}+$/u;

function classify(text: string): CodeToken['kind'] | undefined {
  const compact = text.replace(SEPARATOR, '');
  if (ALL_NUMBERS.test(compact)) {
    return compact.length >= 4 && compact.length <= 10 ? 'digits' : undefined;
  }
  if (!DIGIT.test(compact) || !LETTER.test(compact) || compact.length < 4 || compact.length > 12)
    return undefined;
  if (UNIT.test(compact)) return undefined;
  return 'alphanumeric';
}
