/**
 * Long text is cut into overlapping windows, each normalized and judged on its own: every rule
 * looks at most ~150 characters around a word, so an overlap wider than that loses nothing, and
 * the work per window is bounded whatever the input's shape. Beyond MAX_SCAN characters only the
 * head and the tail are read: a code sits in the first lines or the footer, and the ingest body
 * limit (4 MB) keeps snippets far smaller than that anyway.
 */
import { maskedEvidence } from './evidence.ts';
import type { Language } from './lexicon/index.ts';
import { type NormalizedText, normalizeText } from './normalize.ts';
import { type CompiledExtensions, evaluateWindow, type Match, matchLanguage, type RuleId } from './rules.ts';

export const WINDOW = 4096;
export const OVERLAP = 512;
export const MAX_SCAN = 2 * 1024 * 1024;

export interface OtpVerdict {
  otp: boolean;
  rule?: RuleId;
  language?: Language;
  /** The matched words with every code-shaped token masked ("verification code is ••••••"). */
  evidence?: string;
}

export interface WindowMatch {
  match: Match;
  text: NormalizedText;
}

/** The first match in the text; `spans: false` when only whether there is one matters (isOtp). */
export function scanWindows(
  text: string,
  extensions: CompiledExtensions | undefined,
  spans = true,
): WindowMatch | undefined {
  if (text.length <= WINDOW) return judge(text, extensions, spans);
  const ranges: [number, number][] =
    text.length <= MAX_SCAN
      ? [[0, text.length]]
      : [
          [0, MAX_SCAN / 2],
          [text.length - MAX_SCAN / 2, text.length],
        ];
  for (const [from, to] of ranges) {
    for (let start = from; start < to; start += WINDOW - OVERLAP) {
      const window = text.slice(safeStart(text, start), Math.min(to, start + WINDOW));
      const found = judge(window, extensions, spans);
      if (found !== undefined) return found;
      if (start + WINDOW >= to) break;
    }
  }
  return undefined;
}

export function evidenceOf({ match, text }: WindowMatch): OtpVerdict {
  const language = matchLanguage(text, match);
  return {
    otp: true,
    rule: match.rule,
    ...(language === undefined ? {} : { language }),
    evidence: maskedEvidence(text, match.start, match.end),
  };
}

function judge(
  raw: string,
  extensions: CompiledExtensions | undefined,
  spans: boolean,
): WindowMatch | undefined {
  const text = normalizeText(raw);
  const match = evaluateWindow(text, extensions, spans);
  return match === undefined ? undefined : { match, text };
}

/** Never start a window inside a surrogate pair. */
function safeStart(text: string, start: number): number {
  const code = text.charCodeAt(start);
  return code >= 0xdc00 && code <= 0xdfff ? start + 1 : start;
}
