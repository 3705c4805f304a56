import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from '../../functions/core/duration.ts';
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
        rollingWindow: '10m',
        minSamplesPerWindow: 20,
        minSamplesPerMinute: 1,
        mode: 'streak',
        burnRate: {
          objective: 0.99,
          minSamplesPerShortWindow: 20,
          page: [
            { longWindow: '1h', shortWindow: '5m', factor: 14.4 },
            { longWindow: '6h', shortWindow: '30m', factor: 6 },
          ],
          ticket: [{ longWindow: '3d', shortWindow: '6h', factor: 1 }],
        },
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

describe('semantic validation (audit): each bad value names its field and the bound', () => {
  const problem = (document: unknown): string => {
    try {
      parsePolicy(document, 'p');
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyError);
      return (error as Error).message;
    }
    throw new Error('expected the policy to be rejected');
  };

  it.each([
    [
      { triggers: { fp_budget: { window: '99999999999999999999d' } } },
      'triggers.fp_budget.window: must be a duration',
    ],
    [{ triggers: { cost_spike: { window: '999999d' } } }, 'triggers.cost_spike.window: must be at most 30d'],
    [
      { triggers: { otp_in_critical: { window: '0m' } } },
      'triggers.otp_in_critical.window: must be at least 1m',
    ],
    [{ triggers: { latency_p95: { window: '30s' } } }, 'triggers.latency_p95.window: must be at least 1m'],
    [{ workflow: { approvalTimeout: '1s' } }, 'workflow.approvalTimeout: must be at least 1m'],
    [
      { triggers: { latency_p95: { warningAboveMinutes: 0 } } },
      'triggers.latency_p95.warningAboveMinutes: must be ≥ 1',
    ],
    [
      { triggers: { latency_p95: { warningAboveMinutes: 40 } } },
      'triggers.latency_p95.warningAboveMinutes: must be ≤ breachAboveMinutes (30)',
    ],
    [
      { triggers: { critical_precision: { warningBelow: 0.85 } } },
      'triggers.critical_precision.warningBelow: must be ≥ breachBelow (0.9)',
    ],
    [
      { triggers: { critical_recall: { breachBelow: 0.9 } } },
      'triggers.critical_recall.warningBelow: must be ≥ breachBelow (0.9)',
    ],
    [
      { triggers: { distribution_drift: { warningAbovePp: 12 } } },
      'triggers.distribution_drift.warningAbovePp: must be ≤ breachAbovePp (10)',
    ],
    [{ store: { bucketTtl: '0s' } }, 'store.bucketTtl: must be at least 1h'],
    [
      { store: { bucketTtl: '12h' } },
      'store.bucketTtl: must be ≥ the longest trigger window (triggers.otp_in_critical.window)',
    ],
    [
      { ingest: { maxBodyBytes: 1e15 } },
      'ingest.maxBodyBytes: must be ≤ 6291456 (6 MB, the Lambda payload limit)',
    ],
    [{ ingest: { maxClockSkew: '2h' } }, 'ingest.maxClockSkew: must be at most 1h'],
  ])('%j', (document, message) => {
    expect(problem(document)).toContain(message);
  });

  it('parseDuration refuses what would make evaluation loop', () => {
    expect(() => parseDuration('99999999999999999999d')).toThrow(/not a duration/);
    expect(() => parseDuration('999999d')).toThrow(/longer than 366d/);
    expect(parseDuration('366d')).toBe(366 * 86_400_000);
  });

  it('accepts the edges', () => {
    expect(() =>
      parsePolicy({
        triggers: { otp_in_critical: { window: '1m' }, latency_p95: { warningAboveMinutes: 30 } },
        workflow: { approvalTimeout: '1m' },
        ingest: { maxBodyBytes: 6 * 1024 * 1024 },
      }),
    ).not.toThrow();
  });
});
