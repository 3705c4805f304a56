import { describe, expect, it } from 'vitest';
import { emptyBucket, type MinuteBucket } from '../../functions/core/buckets.ts';
import { addToHistogram } from '../../functions/core/histogram.ts';
import type { Incident } from '../../functions/core/incident/incident.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import { escapeXml, type MetricChart, renderMetricChart } from '../../functions/core/rca/chart.ts';
import { incidentMarkers, incidentSpan } from '../../functions/core/rca/markers.ts';
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
  // v2 went live 95 minutes before detection.
  badVersionFirstLive: T0 - 95 * MINUTE,
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
    // Bad version live → restored version live; the 24 h verification after it is not the incident.
    expect(summary).toContain(
      '**Duration of Incident**: 1 h 49 min (bad version live 2026-11-27 08:29 UTC → restored version live 2026-11-27 10:18 UTC)',
    );
    expect(summary).toContain('**Time to detect**: 1 h 35 min (bad version live → detection)');
    expect(summary).toContain('**Time to restore**: 14 min (detection → restored version live)');
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

  it('lists the timeline as T+N min from detection, sorted by time, with deploy and restore', () => {
    const timeline = section(markdown, 1);
    const entries = timeline.split('\n').filter((line) => line.startsWith('- **T'));
    expect(entries.map((line) => line.slice(0, line.indexOf('(')))).toEqual([
      '- **T-95 min** ',
      '- **T+0 min** ',
      '- **T+5 min** ',
      '- **T+14 min** ',
      '- **T+14 min** ',
      '- **T+1454 min** ',
    ]);
    expect(entries[0]).toContain('**bad version live**: Model gemini-2.0-flash 2.0, Prompt v2');
    expect(entries[2]).toContain('RevertCommit by workflow: committed 9f1c2e7');
    expect(entries[3]).toContain('**restored version live**: Model gemini-2.0-flash 2.0, Prompt v1');
    expect(timeline).toContain(
      'Time to detect: 1 h 35 min (bad version live → detection); time to restore: 14 min',
    );
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

  it('measures an incident not restored yet to its last timeline entry and says so', () => {
    const open = incident({
      status: 'reverting',
      outcome: undefined,
      deployedAt: undefined,
      timeline: incident().timeline.slice(0, 2),
    });
    const text = renderRca(open, CONTEXT);
    expect(text).toContain(
      '**Duration of Incident**: 1 h 40 min so far (bad version live 2026-11-27 08:29 UTC → 2026-11-27 10:09 UTC, still open, not restored yet)',
    );
    expect(text).toContain('**Time to restore**: not restored');
  });

  it('measures from detection when the bad version’s first traffic is unknown, and says so', () => {
    const text = renderRca(incident(), { ...CONTEXT, badVersionFirstLive: undefined });
    expect(text).toContain('**Duration of Incident**: 14 min (detection 2026-11-27 10:04 UTC → restored');
    expect(text).toContain('**Time to detect**: unknown');
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
    const text = renderRca(bare, {
      ...CONTEXT,
      chart: undefined,
      versionFileDiff: '',
      badVersionFirstLive: undefined,
    });
    expect(text).toContain('**Duration of Incident**: 1 h 30 min so far (detection');
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

  it('is a well-formed 640×290 SVG', () => {
    const svg = renderMetricChart(base);
    assertWellFormed(svg);
    expect(svg).toContain('width="640" height="290" viewBox="0 0 640 290"');
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
  it('marks bad deploy, detection, commit and restore from the record', () => {
    expect(incidentMarkers(incident(), T0 - 95 * MINUTE)).toEqual([
      { t: T0 - 95 * MINUTE, label: 'bad version live' },
      { t: T0, label: 'detection' },
      { t: T0 + 5 * MINUTE, label: 'commit' },
      { t: T0 + 14 * MINUTE, label: 'restored live' },
    ]);
    expect(incidentMarkers(incident({ revert: undefined, deployedAt: undefined }))).toEqual([
      { t: T0, label: 'detection' },
    ]);
  });

  it('zooms on the incident: from shortly before the bad deploy to shortly after the restore', () => {
    const span = incidentSpan(incident(), T0 - 95 * MINUTE, T0 + 2000 * MINUTE);
    // 109 minutes of incident, a fifth of it (21.8 min) of context each side.
    expect(span.from).toBe(T0 - 95 * MINUTE - 21.8 * MINUTE);
    expect(span.to).toBe(T0 + 14 * MINUTE + 21.8 * MINUTE);
  });

  it('plots each trigger in its own units with breach and warning lines', () => {
    expect(triggerChartSpec('latency_p95', DEFAULT_POLICY)).toMatchObject({ breach: 30, warning: 10 });
    expect(triggerChartSpec('critical_precision', DEFAULT_POLICY)).toMatchObject({
      breach: 0.9,
      warning: 0.95,
      comparison: '<',
    });
    expect(triggerChartSpec('otp_in_critical', DEFAULT_POLICY)).toMatchObject({ breach: 0, warning: null });
  });

  it('draws the trigger’s own value, with gaps where it had too little data or the version was not live', () => {
    const bad = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
    const good = { ...bad, prompt: 'v1' };
    // v2 live from T0−60 to T0+14 at 10 emails a minute (fp_budget needs 100 emails in 24 h);
    // v1 from T0+14 on.
    const minutes = (from: number, to: number, fields: Partial<MinuteBucket>) =>
      Array.from({ length: to - from }, (_, i) => ({ ...emptyBucket(T0 + (from + i) * MINUTE), ...fields }));
    const svg = renderTriggerChart({
      trigger: 'fp_budget',
      policy: DEFAULT_POLICY,
      versions: [
        { label: 'v2 (bad)', version: bad, buckets: minutes(-60, 14, { classified: 10, criticalFp: 1 }) },
        { label: 'v1 (restored)', version: good, buckets: minutes(14, 60, { classified: 10 }) },
      ],
      markers: incidentMarkers(incident(), T0 - 60 * MINUTE),
      from: T0 - 75 * MINUTE,
      to: T0 + 30 * MINUTE,
    });
    expect(svg).toContain('>breach &gt; 5</text>');
    expect(svg.match(/class="marker"/g)).toHaveLength(4);
    expect(svg).toContain(
      'a point every 1 min: the trigger&apos;s value over 24h; gap = too little data or not live',
    );
    expect(svg).toContain('>v2 (bad)</text>');
    expect(svg).toContain('>v1 (restored)</text>');
    const lines = [...svg.matchAll(/<polyline class="series"[^>]*stroke="([^"]+)"[^>]*points="([^"]+)"/g)];
    const bluePoints = lines.filter((m) => m[1] === '#1f77b4').flatMap((m) => (m[2] ?? '').split(' '));
    // v2 is judged only from its 10th minute (T0−51, 100 emails) while it is live (its last
    // minute T0+13 plus the 15-min activeWithin, up to T0+27): 79 points of the chart's 106.
    expect(bluePoints.length).toBe(79);
    // v1 has no false positives: 0 per 100 once it has 100 emails (after 10 minutes).
    expect(lines.some((m) => m[1] === '#2ca02c')).toBe(true);
  });
});
