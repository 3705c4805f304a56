import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { PolicyError } from '../../functions/core/errors.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../functions/core/policy.ts';

describe('policy defaults are the runbook numbers', () => {
  it.each([
    ['otp_in_critical', { window: '24h', breachAbove: 0 }],
    ['critical_precision', { warningBelow: 0.95, breachBelow: 0.9, maxReportAge: '7d', minSamples: 20 }],
    ['critical_recall', { warningBelow: 0.85, breachBelow: 0.8, maxReportAge: '7d', minSamples: 20 }],
    ['fp_budget', { window: '24h', breachAbovePer100: 5, minEmails: 100 }],
    [
      'latency_p95',
      {
        window: '24h',
        thresholdMs: 3000,
        warningAboveMinutes: 10,
        breachAboveMinutes: 30,
        minSamplesPerMinute: 5,
      },
    ],
    ['cost_spike', { window: '24h', breachAboveRatio: 2, minEmails: 100 }],
    ['distribution_drift', { window: '24h', warningAbovePp: 5, breachAbovePp: 10, minEmails: 200 }],
  ] as const)('%s', (trigger, expected) => {
    expect(DEFAULT_POLICY.triggers[trigger]).toEqual(expected);
  });

  it('has the seed baseline: $0.001 per classification, 15/25/60 distribution', () => {
    expect(DEFAULT_POLICY.baseline).toEqual({
      costPerClassificationUsd: 0.001,
      distribution: { critical: 0.15, time_sensitive: 0.25, routine: 0.6 },
    });
  });

  it('is what an empty or absent document gives', () => {
    expect(parsePolicy({})).toEqual(DEFAULT_POLICY);
    expect(parsePolicy(undefined)).toEqual(DEFAULT_POLICY);
    expect(parsePolicy(null)).toEqual(DEFAULT_POLICY);
  });
});

describe('partial policies', () => {
  it('keeps every default it does not name', () => {
    const policy = parsePolicy(
      parseYaml(
        [
          'triggers:',
          '  fp_budget:',
          '    breachAbovePer100: 3',
          'baseline:',
          '  costPerClassificationUsd: 0.002',
        ].join('\n'),
      ),
    );
    expect(policy.triggers.fp_budget).toEqual({ window: '24h', breachAbovePer100: 3, minEmails: 100 });
    expect(policy.baseline.costPerClassificationUsd).toBe(0.002);
    expect(policy.baseline.distribution).toEqual(DEFAULT_POLICY.baseline.distribution);
    expect(policy.triggers.latency_p95).toEqual(DEFAULT_POLICY.triggers.latency_p95);
    expect(policy.triggers.critical_precision).toEqual(DEFAULT_POLICY.triggers.critical_precision);
  });

  it('does not change the defaults of later parses', () => {
    parsePolicy({ triggers: { otp_in_critical: { breachAbove: 4 } } });
    expect(parsePolicy({}).triggers.otp_in_critical.breachAbove).toBe(0);
  });
});

describe('invalid policies name the field path', () => {
  it.each([
    [
      { triggers: { fp_budget: { breachAbovePer100: -1 } } },
      'triggers.fp_budget.breachAbovePer100: must be ≥ 0',
    ],
    [
      { triggers: { critical_precision: { breachBelow: 1.5 } } },
      'triggers.critical_precision.breachBelow: must be ≤ 1',
    ],
    [{ triggers: { latency_p95: { window: 'soon' } } }, 'triggers.latency_p95.window: must be a duration'],
    [
      { triggers: { latency_p95: { thresholdMs: 'slow' } } },
      'triggers.latency_p95.thresholdMs: must be a number',
    ],
    [
      { triggers: { distribution_drift: { minEmails: 2.5 } } },
      'triggers.distribution_drift.minEmails: must be a whole number',
    ],
    [{ baseline: { distribution: { critical: 0.5 } } }, 'baseline.distribution: shares must add up to 1'],
    [{ baseline: { costPerClassificationUsd: 0 } }, 'baseline.costPerClassificationUsd: must be > 0'],
    [{ triggers: { fp_budjet: {} } }, 'triggers: Unrecognized key: "fp_budjet"'],
  ])('%j', (document, expected) => {
    expect(() => parsePolicy(document, 'policy file sentinel.yaml')).toThrow(PolicyError);
    expect(() => parsePolicy(document, 'policy file sentinel.yaml')).toThrow(expected);
  });

  it('names the source and lists every bad field', () => {
    let message = '';
    try {
      parsePolicy(
        { triggers: { fp_budget: { minEmails: -1 }, cost_spike: { breachAboveRatio: 0 } } },
        'policy file p.json',
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^policy file p\.json is invalid:/);
    expect(message).toContain('triggers.fp_budget.minEmails');
    expect(message).toContain('triggers.cost_spike.breachAboveRatio');
  });
});
