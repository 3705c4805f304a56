import { describe, expect, it } from 'vitest';
import { spelledOut } from '../../functions/core/otp/lexicon/spellings.ts';

describe('OTP lexicon spellings', () => {
  const umlauts = { ä: 'ae', ü: 'ue' };

  it('accepts each listed letter as written and spelled out', () => {
    const pattern = new RegExp(`^${spelledOut('bestätigungs-?code für', umlauts)}$`);
    for (const text of ['bestätigungscode für', 'bestaetigungs-code fuer', 'bestätigungscode fuer']) {
      expect(pattern.test(text)).toBe(true);
    }
    expect(pattern.test('bestatigungscode fr')).toBe(false);
  });

  it('leaves letters in a character class or after a backslash as written', () => {
    expect(spelledOut('[äa]b\\ä', umlauts)).toBe('[äa]b\\ä');
    expect(spelledOut('[\\]ä]ü', umlauts)).toBe('[\\]ä](?:ü|ue)');
  });
});
