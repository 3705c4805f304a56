/**
 * One normal form for every snippet, so the lexicon is written once: compatibility forms folded
 * (full-width digits, ligatures, half-width katakana), HTML remnants gone, accents on Latin letters
 * dropped ("vérification" = "verification", "doğrulama" = "dogrulama"), dashes and quotes unified,
 * whitespace collapsed. `cased` keeps letter case (an all-capitals token can be a code); `lower`
 * is the same text lowercased, position for position.
 */
export interface NormalizedText {
  cased: string;
  lower: string;
}

const HTML_TAG = /<[^<>]{0,400}>/g;
const HTML_ENTITY = /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]{2,8}));/gi;
const NAMED_ENTITIES: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  ndash: '-',
  mdash: '-',
  rsquo: "'",
  lsquo: "'",
  hellip: '…',
};
const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/g;
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const QUOTES = /[\u2018\u2019\u201B\u2032\u02BC]/g;
/** Marks on a Latin letter after canonical decomposition; kana keep their voicing marks. */
const LATIN_MARKS = /(\p{Script=Latin})\p{M}+/gu;
const WHITESPACE = /\s+/g;
const ACCENTED_LATIN = /[\u00C0-\u024F\u1E00-\u1EFF]/;
const NON_ASCII = /[\u0080-\uFFFF]/;

/** Folds accents and compatibility forms only; used for lexicon sources and user phrases too. */
export function foldText(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  const composed = text.normalize('NFKC');
  // Decomposing is only needed where a Latin letter carries an accent (NFKC has composed them).
  if (!ACCENTED_LATIN.test(composed)) return composed;
  return composed.normalize('NFD').replace(LATIN_MARKS, '$1').normalize('NFC');
}

export function normalizeText(raw: string): NormalizedText {
  let text = raw;
  if (text.includes('<')) text = text.replace(HTML_TAG, ' ');
  if (text.includes('&')) text = text.replace(HTML_ENTITY, decodeEntity);
  if (NON_ASCII.test(text)) {
    text = foldText(text.replace(INVISIBLE, '')).replace(DASHES, '-').replace(QUOTES, "'");
  }
  const cased = text.replace(WHITESPACE, ' ');
  const lower = cased.toLowerCase();
  // Lowercasing may lengthen a few characters; then positions would not line up, and case is
  // only a hint (all-capital codes), so the lowercase text stands for both.
  return { cased: lower.length === cased.length ? cased : lower, lower };
}

function decodeEntity(entity: string, decimal?: string, hex?: string, name?: string): string {
  const codePoint =
    decimal !== undefined ? Number(decimal) : hex !== undefined ? Number.parseInt(hex, 16) : NaN;
  if (Number.isFinite(codePoint)) {
    return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : ' ';
  }
  return NAMED_ENTITIES[(name ?? '').toLowerCase()] ?? entity;
}
