import { readFileSync } from 'node:fs';
import type { Language } from '../../functions/core/otp.ts';

/** One line of test/fixtures/otp-corpus.jsonl (written by test/fixtures/generate-otp-corpus.ts). */
export interface OtpCorpusRow {
  language: Language;
  otp: boolean;
  template: number;
  text: string;
}

/** The committed OTP corpus, read once per test file. */
export function otpCorpusRows(): OtpCorpusRow[] {
  return jsonLines<OtpCorpusRow>('otp-corpus.jsonl');
}

/** Just the snippets. */
export function otpCorpusTexts(): string[] {
  return otpCorpusRows().map((row) => row.text);
}

/** One line of test/fixtures/otp-fresh.jsonl: a snippet written by a tester who had not seen the rules. */
export interface OtpFreshRow {
  set:
    | 'fresh'
    | 'held-out'
    | 'held-out-2'
    | 'held-out-3'
    | 'held-out-4'
    | 'held-out-5'
    | 'held-out-6'
    | 'held-out-7'
    | 'held-out-8';
  language: string;
  otp: boolean;
  text: string;
}

/** The testers' snippets, read once per test file. */
export function otpFreshRows(): OtpFreshRow[] {
  return jsonLines<OtpFreshRow>('otp-fresh.jsonl');
}

/** The rows of a JSON-lines fixture in test/fixtures. */
function jsonLines<Row>(name: string): Row[] {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Row);
}
