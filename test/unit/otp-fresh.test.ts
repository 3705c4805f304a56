import { describe, expect, it } from 'vitest';
import { detectOtp } from '../../functions/core/otp.ts';
import { type OtpFreshRow, otpFreshRows } from '../support/otp-corpus.ts';

/**
 * Snippets written by testers who had not seen the rules (test/fixtures/otp-fresh.jsonl): every
 * language, real senders' phrasings, hostile formatting, and the near misses an inbox is full of.
 * `fresh` sets were read to mend the rules; each `held-out` set was first scored untouched, then
 * read (`held-out`: 97.9 % recall and 9.7 % false positives untouched; `held-out-2`, written after
 * the rules had learned from the first two: 92.2 % and 9.2 %; `held-out-3`, asked for what a rule
 * engine least expects, after the rules had learned from all three: 94.0 % and 5.4 %;
 * `held-out-4`, an ordinary inbox of the big senders' own templates: 96.2 % and 1.2 %;
 * `held-out-5`, forgotten sectors (e-ID portals, pharmacies, crypto, games, co-working) in
 * truncated, forwarded and bilingual mail: 97.4 % and 4.6 %; `held-out-6`, whole mail bodies of
 * 500–3,000 characters, security newsletters and notices among them: 97.9 % and 16.4 %;
 * `held-out-7`, formatting a machine sees differently from a person (look-alike letters, invisible
 * marks, inline tags, digits split by dots, bars or emoji, words spelled letter by letter): 74.6 %
 * and 1.5 %; `held-out-8`, an inbox of everything at once after all of that: 97.3 % and 3.1 %).
 * Unlike the
 * generated corpus they hold cases the rules still get wrong, so the bar is a rate, not
 * perfection: a change that loses what they catch fails here.
 */
const rows = otpFreshRows();

function rates(selected: readonly OtpFreshRow[]) {
  const positives = selected.filter((row) => row.otp);
  const negatives = selected.filter((row) => !row.otp);
  const missed = positives.filter((row) => !detectOtp(row.text).otp);
  const flagged = negatives.filter((row) => detectOtp(row.text).otp);
  return {
    recall: 1 - missed.length / positives.length,
    falsePositiveRate: flagged.length / negatives.length,
  };
}

describe('OTP detector on snippets nobody on the rules wrote', () => {
  it('holds enough of both kinds in every language to mean something', () => {
    const languages = new Set(rows.map((row) => row.language));
    expect(languages.size).toBeGreaterThanOrEqual(14);
    for (const language of languages) {
      const own = rows.filter((row) => row.language === language);
      expect(own.filter((row) => row.otp).length, language).toBeGreaterThanOrEqual(30);
      expect(own.filter((row) => !row.otp).length, language).toBeGreaterThanOrEqual(30);
    }
  });

  // Whole mail bodies talk about codes at length (newsletters on scams, 2FA notices): their bar
  // for false positives is looser, and says so.
  it.each([
    ['fresh', 0.04],
    ['held-out', 0.04],
    ['held-out-2', 0.04],
    ['held-out-3', 0.04],
    ['held-out-4', 0.04],
    ['held-out-5', 0.04],
    ['held-out-6', 0.1],
    ['held-out-7', 0.04],
    ['held-out-8', 0.04],
  ] as const)('%s: recall ≥ 95 %, false positives ≤ %d', (set, maxFalsePositives) => {
    const { recall, falsePositiveRate } = rates(rows.filter((row) => row.set === set));
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(falsePositiveRate).toBeLessThanOrEqual(maxFalsePositives);
  });
});
