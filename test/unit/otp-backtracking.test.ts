import { describe, expect, it } from 'vitest';
import { detectOtp } from '../../functions/core/otp.ts';

/**
 * 1 MB inputs shaped to hurt a regex engine: long digit runs, digit groups, repeated keywords,
 * whitespace, half-finished HTML. Each verdict must come back; the bound is generous on
 * purpose (it only catches exponential blow-ups; real speed is measured by `npm run bench`).
 */
const MB = 1024 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

const ADVERSARIAL: [string, string][] = [
  ['digits', fill('1')],
  ['digit groups', fill('12 ')],
  ['dashed groups', fill('12-')],
  ['spaces', fill(' ')],
  ['tabs and newlines', fill('\t\n ')],
  ['code nouns', fill('code ')],
  ['code colons', fill('code: ')],
  ['verification without a code', fill('verification ')],
  ['promo codes', fill('promo code 1234 ')],
  ['order numbers near codes', fill('order 123456 code ')],
  ['imperatives', fill('enter the ')],
  ['alphanumerics', fill('a1b2c3d4e5')],
  ['open tags', fill('<a ')],
  ['entities', fill('&#1')],
  ['kanji', fill('認証')],
  ['hangul', fill('인증 ')],
  ['links', fill('link sign in ')],
  ['cyrillic code nouns', fill('код ')],
  ['cyrillic imperatives', fill('введите код ')],
];

describe('detectOtp on 1 MB adversarial inputs', () => {
  it.each(ADVERSARIAL)('%s returns within 2 s', (_name, text) => {
    const started = performance.now();
    detectOtp(text);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('still finds a code at the very end of a long email', () => {
    const text = `${fill('Quarterly numbers 2026: revenue up, costs down. ')}\nYour verification code is 482913`;
    expect(detectOtp(text)).toMatchObject({ otp: true, rule: 'secret-noun' });
    expect(detectOtp(`${fill('lunch ')} Enter 604211 to sign in`).otp).toBe(true);
  });

  it('finds a phrase split across a window boundary', () => {
    for (const offset of [4000, 4090, 4096, 4100, 7680, 7700]) {
      const text = `${'x'.repeat(offset)} Your sign-in code: 449 201 ${'y'.repeat(9000)}`;
      expect(detectOtp(text).otp, `offset ${offset}`).toBe(true);
    }
  });
});
