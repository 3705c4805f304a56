import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectOtp } from '../../functions/core/otp.ts';

/**
 * Words and punctuation around a message (outside its phrase) do not change the verdict: a
 * greeting, a signature, an emoji or line breaks neither hide an OTP nor invent one.
 */
const PHRASES: readonly [string, boolean][] = [
  ['Your verification code is 482913', true],
  ['Enter 604211 to sign in', true],
  ['449 201 is your Instagram code', true],
  ['Ihr Bestätigungscode lautet 482-913', true],
  ['Votre code de vérification : 7HT2K', true],
  ['Tu código es 33-19-02. No lo compartas.', true],
  ['Twój kod weryfikacyjny to R7T4QZ', true],
  ['認証コード：123456', true],
  ['验证码 882100，请勿泄露', true],
  ['인증번호 [482913]', true],
  ['Your order number is 482913', false],
  ['Use promo code SAVE20 at checkout', false],
  ['Meeting ID: 845 123 4567', false],
  ['Código postal 28013', false],
  ['Two-factor authentication is now enabled', false],
  ['Kod rabatowy: LATO2024', false],
  ['クーポンコード SPRING2024', false],
  ['Reduce your footprint', false],
];
const ORDINARY_WORDS = [
  'hello',
  'thanks',
  'regards',
  'tomorrow',
  'weather',
  'lunch',
  'coffee',
  'Friday',
  'blue',
  'team',
  'best',
  'cheers',
  'Anna',
  'Jonas',
  'hallo',
  'bonjour',
  'hola',
  'ciao',
  'dzień dobry',
  'merhaba',
  'こんにちは',
  '你好',
  '안녕하세요',
];
const PUNCTUATION = [
  '.',
  ',',
  '!',
  ' — ',
  '\n',
  '\n\n',
  ' 🙂',
  ' ✅',
  ' (',
  ') ',
  ':',
  '…',
  ' | ',
  '<br>',
  '</p><p>',
];

const noise = fc
  .array(fc.oneof(fc.constantFrom(...ORDINARY_WORDS), fc.constantFrom(...PUNCTUATION)), { maxLength: 12 })
  .map((parts) => parts.join(' '));

describe('detectOtp is stable under ordinary words around the phrase', () => {
  it.each(PHRASES)('%j stays %s', (phrase, expected) => {
    expect(detectOtp(phrase).otp).toBe(expected);
    fc.assert(
      fc.property(noise, noise, (before, after) => {
        const text = `${before} ${phrase} ${after}`;
        expect(detectOtp(text).otp, text).toBe(expected);
      }),
      { numRuns: 150 },
    );
  });
});
