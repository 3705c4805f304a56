import { describe, expect, it } from 'vitest';
import { emptyBucket, type MinuteBucket } from '../../functions/core/buckets.ts';
import { addToHistogram } from '../../functions/core/histogram.ts';
import type { Incident } from '../../functions/core/incident/incident.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import { escapeXml, type MetricChart, renderMetricChart } from '../../functions/core/rca/chart.ts';
import { incidentMarkers } from '../../functions/core/rca/markers.ts';
import { type RcaContext, renderRca } from '../../functions/core/rca/rca.ts';
import { seriesFromBuckets } from '../../functions/core/rca/series.ts';
import { renderTriggerChart, triggerChartSpec } from '../../functions/core/rca/trigger-chart.ts';

const MINUTE = 60_000;
const DETECTED = '2026-11-27T10:04:00.000Z';
const T0 = Date.parse(DETECTED);
const iso = (minutesAfterDetection: number) => new Date(T0 + minutesAfterDetection * MINUTE).toISOString();

const DIFF = [
  '--- a/shopq/versioning.py',
  '+++ b/shopq/versioning.py',
  '@@ -1,3 +1,3 @@',
  ' MODEL_NAME = "gemini-2.0-flash"',
  '-PROMPT_VERSION = "v2"',
  '+PROMPT_VERSION = "v1"',
].join('\n');

function incident(fields: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-20261127-1004-abcdef0123',
    service: 'shopq-classifier',
    version: { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' },
    decision: 'rollback',
    status: 'completed',
    openedAt: DETECTED,
    updatedAt: iso(1454),
    triggers: [
      {
        id: 'otp_in_critical',
        kind: 'automatic',
        outcome: 'breach',
        value: 3,
        threshold: 0,
        warningThreshold: null,
        samples: 1200,
        window: '24h',
        reason: '3 critical emails were OTP messages',
      },
    ],
    executionName: 'rollback-inc-20261127-1004-abcdef0123',
    target: {
      version: { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v1' },
      ref: 'v1.2.0-stable',
      procedure: 'A',
      timing: { immediateSeconds: 1800, shortTermSeconds: 12_600, longTermSeconds: 72_000 },
    },
    revert: {
      sha: '9f1c2e7',
      url: 'https://github.com/shopq/app/commit/9f1c2e7',
      branch: 'main',
      alreadyDone: false,
      dryRun: false,
      committedAt: iso(5),
    },
    deployedAt: iso(14),
    verification: [
      {
        stage: 'immediate',
        outcome: 'pass',
        at: iso(44),
        attempt: 1,
        checks: [
          {
            id: 'otp_in_critical',
            outcome: 'pass',
            value: 0,
            threshold: 0,
            samples: 150,
            reason: '0 OTP | none',
          },
        ],
      },
    ],
    outcome: 'completed',
    // Out of order on purpose: the draft sorts by time.
    timeline: [
      { at: iso(5), state: 'RevertCommit', actor: 'workflow', note: 'committed 9f1c2e7' },
      { at: iso(0), state: 'ConfirmTrigger', actor: 'dispatcher', note: 'otp_in_critical breach' },
      { at: iso(14.5), state: 'Deployed', actor: 'deploy-watcher', note: 'v1 seen in traffic' },
      { at: iso(1454), state: 'completed', actor: 'workflow', note: 'long-term stage passed' },
    ],
    ...fields,
  };
}

const CONTEXT: RcaContext = {
  versionFileDiff: DIFF,
  impact: { emailsClassifiedByBadVersion: 4812, otpInCritical: 37 },
  chart: 'inc-20261127-1004-abcdef0123.svg',
};

const SECTIONS = [
  '## 1. Incident Summary',
  '## 2. Timeline',
  '## 3. Root Cause',
  '## 4. Lessons Learned',
  '## 5. Action Items',
];

/** The text between one section heading and the next. */
function section(markdown: string, index: number): string {
  const start = markdown.indexOf(SECTIONS[index] ?? '');
  const next = SECTIONS[index + 1];
  return markdown.slice(start, next ? markdown.indexOf(next) : undefined);
}

describe('RCA draft', () => {
  const markdown = renderRca(incident(), CONTEXT);

  it('has the template sections 1–5, each once and in order', () => {
    const positions = SECTIONS.map((heading) => markdown.indexOf(heading));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const heading of SECTIONS) expect(markdown.split(heading).length).toBe(2);
  });

  it('summarises date, trigger value vs threshold, versions, duration and impact', () => {
    const summary = section(markdown, 0);
    expect(summary).toContain('**Date/Time**: 2026-11-27 10:04 UTC');
    expect(summary).toContain('`otp_in_critical` (automatic): 3 > 0 — 3 critical emails were OTP messages');
    expect(summary).toContain('**Version Rolled Back From**: Model gemini-2.0-flash 2.0, Prompt v2');
    expect(summary).toContain(
      '**Version Rolled Back To**: Model gemini-2.0-flash 2.0, Prompt v1 (ref `v1.2.0-stable`, procedure A',
    );
    expect(summary).toContain(
      '**Duration of Incident**: 24 h 14 min (2026-11-27 10:04 UTC → 2026-11-28 10:18 UTC)',
    );
    expect(summary).toContain(
      '**Impact**: 4812 emails classified by the bad version while it was live; 37 OTP messages',
    );
    expect(summary).toContain('`9f1c2e7` (https://github.com/shopq/app/commit/9f1c2e7)');
    expect(summary).toContain('14 min after detection');
  });

  it('shows a lower-is-worse trigger with "<"', () => {
    const precision = incident({
      triggers: [
        {
          id: 'critical_precision',
          kind: 'automatic',
          outcome: 'breach',
          value: 0.8712,
          threshold: 0.9,
          warningThreshold: 0.95,
          samples: 200,
          window: '7d',
          reason: 'critical precision 0.87 < 0.90 on gds-1',
        },
      ],
    });
    expect(renderRca(precision, CONTEXT)).toContain('`critical_precision` (automatic): 0.8712 < 0.9');
  });

  it('lists the timeline as T+N min from detection, sorted by time', () => {
    const timeline = section(markdown, 1);
    const entries = timeline.split('\n').filter((line) => line.startsWith('- **T'));
    expect(entries.map((line) => line.slice(0, line.indexOf('(')))).toEqual([
      '- **T+0 min** ',
      '- **T+5 min** ',
      '- **T+14 min** ',
      '- **T+1454 min** ',
    ]);
    expect(entries[1]).toContain('RevertCommit by workflow: committed 9f1c2e7');
    expect(timeline).toContain(
      '| immediate | 1 | T+44 min | otp_in_critical | pass | 0 | 0 | 150 | 0 OTP \\| none |',
    );
  });

  it('puts the version file diff in a diff block under "What changed"', () => {
    const rootCause = section(markdown, 2);
    expect(rootCause).toContain('**What changed**: prompt v1 → v2.');
    expect(rootCause).toContain(`\`\`\`diff\n${DIFF}\n\`\`\``);
    expect(rootCause).toContain(
      '| otp_in_critical | automatic | breach | 3 | > 0 | 1200 | 24h | 3 critical emails were OTP messages |',
    );
    expect(rootCause).toContain('](inc-20261127-1004-abcdef0123.svg)');
  });

  it('fences a diff that itself contains backticks with a longer fence', () => {
    const tricky = renderRca(incident(), { ...CONTEXT, versionFileDiff: '+x = "```"' });
    expect(tricky).toContain('````diff\n+x = "```"\n````');
  });

  it('leaves root cause, lessons and action items to people', () => {
    const prompt = /_To be filled in by the incident owner: [^_]+_/;
    const rootCause = section(markdown, 2);
    expect(rootCause).toMatch(new RegExp(`\\*\\*Why it caused issue\\*\\*: ${prompt.source}`));
    expect(rootCause).toMatch(new RegExp(`\\*\\*How it bypassed safeguards\\*\\*: ${prompt.source}`));
    expect(section(markdown, 3)).toMatch(new RegExp(`What went well\\*\\*:\\n- ${prompt.source}`));
    expect(section(markdown, 3)).toMatch(new RegExp(`What needs improvement\\*\\*:\\n- ${prompt.source}`));
    for (const item of ['Prevent recurrence', 'Improve detection', 'Update process']) {
      expect(section(markdown, 4)).toMatch(new RegExp(`- \\[ \\] \\*\\*${item}\\*\\*: ${prompt.source}`));
    }
  });

  it('measures an open incident to its last timeline entry and says it is still open', () => {
    const open = incident({
      status: 'verifying',
      outcome: undefined,
      timeline: incident().timeline.slice(0, 3),
    });
    expect(renderRca(open, CONTEXT)).toContain(
      '**Duration of Incident**: 14 min (2026-11-27 10:04 UTC → 2026-11-27 10:18 UTC, still open)',
    );
  });

  it('falls back to updatedAt without a timeline, and copes without target, revert or chart', () => {
    const bare = incident({
      timeline: [],
      target: undefined,
      revert: undefined,
      deployedAt: undefined,
      updatedAt: iso(90),
      status: 'rejected',
      outcome: 'rejected',
    });
    const text = renderRca(bare, { ...CONTEXT, chart: undefined, versionFileDiff: '' });
    expect(text).toContain('**Duration of Incident**: 1 h 30 min');
    expect(text).toContain('**Version Rolled Back To**: not rolled back (rejected)');
    expect(text).toContain('_No version file diff recorded._');
    expect(text).not.toContain('![');
    expect(text).not.toContain('Rollback commit');
  });

  it('keeps record text from breaking lists and tables', () => {
    const messy = incident({
      timeline: [{ at: iso(1), state: 'Escalate', actor: 'workflow', note: 'line one\nline two' }],
    });
    const text = renderRca(messy, CONTEXT);
    expect(text).toContain('Escalate by workflow: line one line two');
  });
});

describe('metric chart', () => {
  const start = Date.parse('2026-11-27T09:00:00Z');
  const base: MetricChart = {
    title: 'otp_in_critical',
    points: [
      { t: start, value: 0 },
      { t: start + 30 * MINUTE, value: 100 },
      { t: start + 60 * MINUTE, value: 40 },
    ],
    threshold: 50,
    thresholdLabel: 'breach > 50',
    markers: [
      { t: start + 30 * MINUTE, label: 'detection' },
      { t: start + 40 * MINUTE, label: 'commit' },
      { t: start + 50 * MINUTE, label: 'deploy' },
    ],
    unit: 'emails',
  };

  /** Every tag opens and closes in order, attributes are quoted: the basic structure of XML. */
  function assertWellFormed(svg: string): void {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const stack: string[] = [];
    for (const [tag, closing, name, attributes, selfClosing] of svg.matchAll(
      /<(\/?)([a-z]+)([^>]*?)(\/?)>/g,
    )) {
      expect(attributes?.replace(/\s+[A-Za-z][A-Za-z0-9:-]*="[^"<>]*"/g, '').trim(), tag).toBe('');
      if (selfClosing) continue;
      if (closing) expect(stack.pop()).toBe(name);
      else stack.push(name ?? '');
    }
    expect(stack).toEqual([]);
    // Outside tags, only text and entities: a stray "<" or "&" would break the file.
    expect(svg.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos);)/);
  }

  function attribute(svg: string, className: string, name: string): number[] {
    const pattern = new RegExp(`<[a-z]+ class="${className}"[^>]*?\\s${name}="([^"]+)"`, 'g');
    return [...svg.matchAll(pattern)].map((match) => Number(match[1]));
  }

  function polylinePoints(svg: string): [number, number][] {
    const points = /<polyline class="series"[^>]*points="([^"]+)"/.exec(svg)?.[1] ?? '';
    return points.split(' ').map((pair) => pair.split(',').map(Number) as [number, number]);
  }

  it('is a well-formed 640×240 SVG', () => {
    const svg = renderMetricChart(base);
    assertWellFormed(svg);
    expect(svg).toContain('width="640" height="240" viewBox="0 0 640 240"');
  });

  it('draws the dashed threshold line on the same scale as the data', () => {
    const svg = renderMetricChart(base);
    const [zero, hundred] = polylinePoints(svg).map(([, y]) => y);
    const [y1] = attribute(svg, 'threshold', 'y1');
    const [y2] = attribute(svg, 'threshold', 'y2');
    // 50 sits halfway between the points at 0 and 100.
    expect(y1).toBeCloseTo(((zero ?? 0) + (hundred ?? 0)) / 2, 0);
    expect(y2).toBe(y1);
    expect(svg).toMatch(/class="threshold"[^>]*stroke-dasharray/);
  });

  it('keeps a threshold above all data on the chart, on the same scale', () => {
    const svg = renderMetricChart({ ...base, threshold: 200 });
    const [zero, hundred] = polylinePoints(svg).map(([, y]) => y ?? 0);
    const [y1] = attribute(svg, 'threshold', 'y1');
    expect(y1).toBeCloseTo((zero ?? 0) + 2 * ((hundred ?? 0) - (zero ?? 0)), 0);
    expect(y1).toBeGreaterThanOrEqual(0);
  });

  it('marks detection, commit and deploy at their times', () => {
    const svg = renderMetricChart(base);
    const xs = polylinePoints(svg).map(([x]) => x);
    const markerXs = attribute(svg, 'marker', 'x1');
    expect(markerXs).toHaveLength(3);
    // Detection is at the middle point's time.
    expect(markerXs[0]).toBeCloseTo(xs[1] ?? 0, 0);
    for (const label of ['detection', 'commit', 'deploy']) expect(svg).toContain(`>${label}</text>`);
  });

  it('labels the axes with UTC times and the unit', () => {
    const svg = renderMetricChart(base);
    expect(svg).toContain('>09:00</text>');
    expect(svg).toContain('>10:00</text>');
    expect(svg).toContain('time (UTC) from 2026-11-27');
    expect(svg).toMatch(/class="y-title"[^>]*>emails<\/text>/);
  });

  it('escapes title, labels and unit', () => {
    const nasty = '<script>alert("x") & \'y\'</script>';
    const svg = renderMetricChart({
      ...base,
      title: nasty,
      unit: nasty,
      thresholdLabel: nasty,
      markers: [{ t: start, label: nasty }],
    });
    assertWellFormed(svg);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain(escapeXml(nasty));
    expect(escapeXml(nasty)).toBe('&lt;script&gt;alert(&quot;x&quot;) &amp; &apos;y&apos;&lt;/script&gt;');
  });

  it('breaks the line at gaps and shows a lone point as a dot', () => {
    const svg = renderMetricChart({
      ...base,
      points: [
        { t: start, value: 1 },
        { t: start + MINUTE, value: null },
        { t: start + 2 * MINUTE, value: 2 },
        { t: start + 3 * MINUTE, value: 3 },
      ],
    });
    expect(svg.match(/<polyline class="series"/g)).toHaveLength(1);
    expect(svg.match(/<circle class="series"/g)).toHaveLength(1);
    assertWellFormed(svg);
  });

  it('says "no data" when there is nothing to draw', () => {
    const svg = renderMetricChart({ ...base, points: [], markers: [] });
    assertWellFormed(svg);
    expect(svg).toContain('>no data</text>');
  });
});

describe('series from buckets', () => {
  const start = Date.parse('2026-11-27T09:00:00Z');
  const bucket = (minute: number, fields: Partial<MinuteBucket> = {}): MinuteBucket => ({
    ...emptyBucket(start + minute * MINUTE),
    ...fields,
  });

  it('sums counts per UTC-aligned step, whatever the bucket order', () => {
    const buckets = [9, 3, 0, 7].map((minute) => bucket(minute, { otpCritical: 1, classified: 2 }));
    expect(seriesFromBuckets(buckets, 'otpCritical', 5)).toEqual([
      { t: start, value: 2 },
      { t: start + 5 * MINUTE, value: 2 },
    ]);
  });

  it('adds buckets of the same minute, e.g. of the bad and the restored version', () => {
    const points = seriesFromBuckets([bucket(0, { errors: 2 }), bucket(0, { errors: 3 })], 'errors', 1);
    expect(points).toEqual([{ t: start, value: 5 }]);
  });

  it('fills empty steps: 0 for counts, a gap for rates; widens to from/to', () => {
    const buckets = [
      bucket(0, { classified: 100, criticalFp: 4 }),
      bucket(2, { classified: 50, criticalFp: 1 }),
    ];
    expect(seriesFromBuckets(buckets, 'fpPer100', 1, { to: start + 3 * MINUTE }).map((p) => p.value)).toEqual(
      [4, null, 2, null],
    );
    expect(seriesFromBuckets(buckets, 'classified', 1, { from: start - MINUTE }).map((p) => p.value)).toEqual(
      [0, 100, 0, 50],
    );
  });

  it('computes p95, cost, live precision and drift per step', () => {
    const latency = bucket(0, {
      classified: 100,
      critical: 25,
      time_sensitive: 25,
      routine: 50,
      criticalFp: 5,
      costCount: 100,
      costNanoUsd: 150_000_000,
    });
    for (let index = 0; index < 100; index += 1) addToHistogram(latency.latency, index < 95 ? 500 : 4000);
    const one = (metric: Parameters<typeof seriesFromBuckets>[1]) =>
      seriesFromBuckets([latency], metric, 1, { distribution: DEFAULT_POLICY.baseline.distribution })[0]
        ?.value;
    expect(one('p95')).toBeCloseTo(500, -1);
    expect(one('costPerClassificationUsd')).toBeCloseTo(0.0015, 9);
    expect(one('livePrecision')).toBe(0.8);
    expect(one('maxDriftPp')).toBe(10);
  });

  it('refuses a step that is not a whole number of minutes', () => {
    expect(() => seriesFromBuckets([], 'errors', 0)).toThrow(RangeError);
    expect(seriesFromBuckets([], 'errors', 5)).toEqual([]);
  });
});

describe('trigger chart for the RCA', () => {
  it('marks detection, commit and deploy from the incident record', () => {
    expect(incidentMarkers(incident())).toEqual([
      { t: T0, label: 'detection' },
      { t: T0 + 5 * MINUTE, label: 'commit' },
      { t: T0 + 14 * MINUTE, label: 'deploy' },
    ]);
    expect(incidentMarkers(incident({ revert: undefined, deployedAt: undefined }))).toEqual([
      { t: T0, label: 'detection' },
    ]);
  });

  it('plots each trigger in readable units with its breach line', () => {
    expect(triggerChartSpec('latency_p95', DEFAULT_POLICY)).toMatchObject({ metric: 'p95', threshold: 3000 });
    expect(triggerChartSpec('cost_spike', DEFAULT_POLICY)).toMatchObject({ threshold: 0.002 });
    expect(triggerChartSpec('critical_precision', DEFAULT_POLICY)).toMatchObject({
      thresholdLabel: 'breach < 0.9',
    });
  });

  it('renders the otp chart with series, threshold and markers', () => {
    const buckets = Array.from({ length: 60 }, (_, minute) => ({
      ...emptyBucket(T0 - 30 * MINUTE + minute * MINUTE),
      classified: 10,
      critical: 2,
      otpCritical: minute < 30 ? 1 : 0,
    }));
    const svg = renderTriggerChart({
      trigger: 'otp_in_critical',
      buckets,
      policy: DEFAULT_POLICY,
      markers: incidentMarkers(incident()),
    });
    expect(svg).toContain('>breach &gt; 0</text>');
    expect(svg.match(/class="marker"/g)).toHaveLength(3);
    expect(svg).toContain('<polyline class="series"');
    expect(svg).toContain('(1-min steps)');
  });
});
