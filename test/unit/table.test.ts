import { describe, expect, it } from 'vitest';
import { formatEvaluation } from '../../functions/cli/format-evaluation.ts';
import { table, wrapWords } from '../../functions/cli/table.ts';
import type { Evaluation } from '../../functions/core/triggers/types.ts';

const REASON =
  '6.00 critical false positives per 100 emails > 5 (12 of 200 classified in 24h; 95 % CI 3.5–10.2) ' +
  'and a hyphenated-token-kept-whole';

const evaluation: Evaluation = {
  at: '2026-11-27T12:00:00.000Z',
  version: { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' },
  decision: 'investigate',
  triggers: [
    {
      id: 'fp_budget',
      kind: 'manual',
      outcome: 'breach',
      value: 6,
      threshold: 5,
      warningThreshold: null,
      samples: 200,
      window: '24h',
      reason: REASON,
    },
    {
      id: 'otp_in_critical',
      kind: 'automatic',
      outcome: 'ok',
      value: 0,
      threshold: 0,
      warningThreshold: null,
      samples: 200,
      window: '24h',
      reason: 'no OTP in critical',
    },
  ],
};

describe('tables fit 100 columns', () => {
  it('wraps the reason column at word boundaries under its own column, cutting nothing', () => {
    const text = formatEvaluation(evaluation);
    const lines = text.split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(100);
    const header = lines.find((line) => line.startsWith('TRIGGER')) ?? '';
    const column = header.indexOf('REASON');
    const start = lines.findIndex((line) => line.startsWith('fp_budget'));
    const next = lines.findIndex((line) => line.startsWith('otp_in_critical'));
    const reasonLines = lines.slice(start, next).map((line) => line.slice(column));
    // Continuation lines start exactly under REASON; joined, they are the reason word for word.
    for (const line of lines.slice(start + 1, next)) expect(line.slice(0, column).trim()).toBe('');
    expect(reasonLines.join(' ')).toBe(REASON);
    expect(next - start).toBeGreaterThan(1);
  });

  it('--wide keeps one line per row', () => {
    const lines = formatEvaluation(evaluation, { wide: true }).split('\n');
    expect(lines.filter((line) => line.startsWith('fp_budget'))[0]).toContain(REASON);
    expect(lines).toHaveLength(5);
  });

  it('gives a word longer than the column a line of its own, whole', () => {
    expect(wrapWords('a bb verylongword c', 5)).toEqual(['a bb', 'verylongword', 'c']);
    expect(wrapWords('', 5)).toEqual(['']);
  });

  it('never cuts the other columns, even when they leave little room', () => {
    const wide = 'x'.repeat(90);
    const text = table(['NAME', 'REASON'], [[wide, 'one two three four five six seven']]);
    expect(text).toContain(wide);
    expect(text.replace(/\s+/g, ' ')).toContain('one two three four five six seven');
  });
});
