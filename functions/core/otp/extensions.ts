/**
 * The policy's extensions of the detector (`policy.otp`), validated with zod and compiled once
 * per policy object. Phrases and patterns are matched against the normalized text: lowercase,
 * accents removed, one space between words, "-" for every dash.
 */
import * as z from 'zod';
import { LexiconMatcher } from './matcher.ts';
import { foldText } from './normalize.ts';
import { patternProblem } from './pattern-safety.ts';
import type { CompiledExtensions } from './rules.ts';

export interface OtpExtensions {
  /** Phrases that make a message an OTP by themselves, e.g. "steam guard code". */
  extraPhrases?: readonly string[];
  /** Regex sources (flags i, u) that make a message an OTP, e.g. "\\bclave bizum\\b". */
  extraPatterns?: readonly string[];
  /** Phrases that veto any match within 100 characters of them, e.g. "parcel terminal". */
  extraNegativePhrases?: readonly string[];
}

const phrase = z
  .string('must be a string')
  .trim()
  .min(2, 'must be at least 2 characters')
  .max(200, 'must be at most 200 characters');
const pattern = z.string('must be a string').superRefine((source, context) => {
  const problem = patternProblem(source);
  if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
});

export const otpPolicySchema = z
  .strictObject({
    extraPhrases: z.array(phrase).max(200, 'must hold at most 200 phrases').default([]),
    extraPatterns: z.array(pattern).max(50, 'must hold at most 50 patterns').default([]),
    extraNegativePhrases: z.array(phrase).max(200, 'must hold at most 200 phrases').default([]),
  })
  .prefault({});

const compiled = new WeakMap<OtpExtensions, CompiledExtensions>();

/** Compiled once per extensions object (the policy is parsed once per process). */
export function compileExtensions(extensions: OtpExtensions | undefined): CompiledExtensions | undefined {
  if (extensions === undefined) return undefined;
  const known = compiled.get(extensions);
  if (known !== undefined) return known;
  const phrases = extensions.extraPhrases ?? [];
  const patterns = extensions.extraPatterns ?? [];
  const negatives = extensions.extraNegativePhrases ?? [];
  const result: CompiledExtensions = {
    phrases: phrases.length > 0 ? literalMatcher(phrases) : undefined,
    patterns: patterns.map((source) => {
      const problem = patternProblem(source);
      if (problem !== undefined) throw new Error(`otp.extraPatterns: ${JSON.stringify(source)} ${problem}`);
      return new RegExp(foldText(source), 'giu');
    }),
    negatives: negatives.length > 0 ? literalMatcher(negatives) : undefined,
  };
  compiled.set(extensions, result);
  return result;
}

function literalMatcher(phrases: readonly string[]): LexiconMatcher {
  return new LexiconMatcher(
    phrases.map((text) => ({
      language: undefined,
      source: escapeRegex(
        foldText(text)
          .toLowerCase()
          .replace(/\s+/g, ' ')
          .replace(/[\u2010-\u2015\u2212]/g, '-'),
      ),
    })),
  );
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
