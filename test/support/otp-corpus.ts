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
  return readFileSync(new URL('../fixtures/otp-corpus.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OtpCorpusRow);
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
    | 'held-out-7';
  language: string;
  otp: boolean;
  text: string;
}

/** The testers' snippets, read once per test file. */
export function otpFreshRows(): OtpFreshRow[] {
  return readFileSync(new URL('../fixtures/otp-fresh.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OtpFreshRow);
}
