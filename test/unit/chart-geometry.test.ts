import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyBucket, type MinuteBucket } from '../../functions/core/buckets.ts';
import type { Incident } from '../../functions/core/incident/incident.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import type { BacktestReport, VersionTrace } from '../../functions/core/prevention/backtest.ts';
import { renderBacktestSvg } from '../../functions/core/prevention/backtest-chart.ts';
import { incidentMarkers, incidentSpan } from '../../functions/core/rca/markers.ts';
import { renderTriggerChart } from '../../functions/core/rca/trigger-chart.ts';
import { TRIGGER_IDS, type TriggerId } from '../../functions/core/triggers/types.ts';
import { pngFacts, RSVG } from '../support/png.ts';

/**
 * The charts must read well: no label on top of another, none cut off at the edge. Checked on
 * the SVG's geometry (a text box is font size × characters wide, ascent to descent high), and,
 * where rsvg-convert is installed, by rendering to PNG.
 */
const MINUTE = 60_000;
const T0 = Date.parse('2026-11-27T09:34:00Z');
const BAD = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
const GOOD = { ...BAD, prompt: 'v1' };

interface Box {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** Every <text> of one chart as a box; rotated text (the y-axis title) turned by −90°. */
function textBoxes(svg: string): Box[] {
  return [...svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].map(([, attributes = '', raw = '']) => {
    const attr = (name: string) => new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attributes)?.[1];
    const text = unescapeXml(raw);
    const size = Number(attr('font-size'));
    const x = Number(attr('x'));
    const y = Number(attr('y'));
    const width = [...text].length * size * (attr('font-weight') === 'bold' ? 0.66 : 0.6);
    const anchor = attr('text-anchor') ?? 'start';
    const left = anchor === 'start' ? x : anchor === 'middle' ? x - width / 2 : x - width;
    if (attr('transform')?.startsWith('rotate(-90')) {
      const lo = anchor === 'middle' ? y - width / 2 : y;
      return { text, x0: x - size * 0.8, x1: x + size * 0.25, y0: lo, y1: lo + width };
    }
    return { text, x0: left, x1: left + width, y0: y - size * 0.8, y1: y + size * 0.25 };
  });
}

function assertLegible(svg: string, width: number, height: number): Box[] {
  const boxes = textBoxes(svg);
  expect(boxes.length).toBeGreaterThan(5);
  for (const box of boxes) {
    expect(box.x0, `"${box.text}" starts left of the canvas`).toBeGreaterThanOrEqual(0);
    expect(box.x1, `"${box.text}" runs past the right edge`).toBeLessThanOrEqual(width);
    expect(box.y0, `"${box.text}" is above the canvas`).toBeGreaterThanOrEqual(0);
    expect(box.y1, `"${box.text}" is below the canvas`).toBeLessThanOrEqual(height);
  }
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      const overlap = a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
      expect(overlap, `"${a.text}" overlaps "${b.text}"`).toBe(false);
    }
  }
  return boxes;
}

/** The charts stacked in the backtest SVG, each with its own 640 × 290 canvas. */
function nestedCharts(svg: string): string[] {
  return svg.split(/<svg x="0" y="\d+" /).slice(1);
}

// The demo's shape: v2 live 17 min before detection, commit 1 min after it, restored 6 min later.
const incident: Incident = {
  id: 'inc-20261127-0934-ba5e2ea9b8',
  service: 'shopq-classifier',
  version: BAD,
  decision: 'rollback',
  status: 'completed',
  openedAt: new Date(T0).toISOString(),
  updatedAt: new Date(T0 + 1450 * MINUTE).toISOString(),
  triggers: [],
  executionName: 'x',
  target: {
    version: GOOD,
    ref: 'v1.2.0-stable',
    procedure: 'A',
    timing: { immediateSeconds: 1800, shortTermSeconds: 12_600, longTermSeconds: 72_000 },
  },
  revert: {
    sha: '625f8c4',
    branch: 'main',
    alreadyDone: false,
    dryRun: false,
    committedAt: new Date(T0 + MINUTE).toISOString(),
  },
  deployedAt: new Date(T0 + 6 * MINUTE).toISOString(),
  verification: [],
  timeline: [],
};
const badLive = T0 - 17 * MINUTE;
const minutes = (from: number, to: number, fields: (i: number) => Partial<MinuteBucket>) =>
  Array.from({ length: to - from }, (_, i) => ({ ...emptyBucket(T0 + (from + i) * MINUTE), ...fields(i) }));

function rcaChart(trigger: TriggerId): string {
  const span = incidentSpan(incident, badLive, T0 + 1450 * MINUTE);
  return renderTriggerChart({
    trigger,
    policy: DEFAULT_POLICY,
    versions: [
      {
        label: 'gemini-2.0-flash 2.0 / prompt v2 (bad)',
        version: BAD,
        buckets: minutes(-17, 6, (i) => ({ classified: 40, critical: 8, otpCritical: i % 3 === 0 ? 1 : 0 })),
      },
      {
        label: 'gemini-2.0-flash 2.0 / prompt v1 (restored)',
        version: GOOD,
        buckets: minutes(-120, 60, () => ({ classified: 40, critical: 6 })),
      },
    ],
    markers: incidentMarkers(incident, badLive),
    from: span.from,
    to: span.to,
    title: `${trigger}: shopq-classifier, incident ${incident.id}`,
  });
}

function backtestSvg(): string {
  const steps = Array.from({ length: 3 * 24 * 60 }, (_, i) => T0 - 2 * 24 * 60 * MINUTE + i * MINUTE);
  const values = Object.fromEntries(
    TRIGGER_IDS.map((id) => [
      id,
      steps.map((_, i) => (i < 300 ? null : id === 'latency_p95' ? (i % 400) / 10 : 1)),
    ]),
  ) as VersionTrace['values'];
  const trace: VersionTrace = {
    version: BAD,
    at: steps,
    decisions: steps.map(() => 'none'),
    values,
    thresholds: Object.fromEntries(
      TRIGGER_IDS.map((id) => [id, id === 'latency_p95' ? 30 : 5]),
    ) as VersionTrace['thresholds'],
    warningThresholds: Object.fromEntries(
      TRIGGER_IDS.map((id) => [id, id === 'latency_p95' ? 10 : null]),
    ) as VersionTrace['warningThresholds'],
  };
  const iso = (i: number) => new Date(steps[i] as number).toISOString();
  const report: BacktestReport = {
    from: iso(0),
    to: iso(steps.length - 1),
    stepMs: MINUTE,
    steps: steps.length,
    evaluations: steps.length,
    firstRollback: null,
    versions: [
      {
        version: BAD,
        activeFrom: iso(0),
        activeTo: iso(steps.length - 1),
        evaluatedSteps: steps.length,
        triggers: TRIGGER_IDS.map((id) => ({
          id,
          firstWarning: id === 'latency_p95' || id === 'fp_budget' ? iso(310) : null,
          firstBreach: null,
          breach: null,
        })),
        // Decision changes a few minutes apart: their labels must not pile up.
        timeline: [
          { at: iso(0), decision: 'none', triggers: [] },
          { at: iso(310), decision: 'watch', triggers: [] },
          { at: iso(312), decision: 'investigate', triggers: [] },
          { at: iso(315), decision: 'rollback', triggers: [] },
          { at: iso(4318), decision: 'watch', triggers: [] },
        ],
        firstRollback: null,
      },
    ],
  };
  return renderBacktestSvg(report, [trace]);
}

describe('chart geometry: labels neither overlap nor clip', () => {
  it.each(['otp_in_critical', 'fp_budget', 'latency_p95'] as const)('the RCA chart of %s', (trigger) => {
    const svg = rcaChart(trigger);
    const boxes = assertLegible(svg, 640, 290);
    // All four markers are labelled, though they are minutes apart on a 2-hour axis.
    for (const label of ['bad version live', 'detection', 'commit', 'restored live']) {
      expect(boxes.map((box) => box.text)).toContain(label);
    }
    expect(svg).toContain('a point every 1 min');
  });

  it('the backtest chart, per stacked chart, with warning lines and a last tick inside', () => {
    const svg = backtestSvg();
    const charts = nestedCharts(svg);
    expect(charts).toHaveLength(2);
    for (const chart of charts) assertLegible(chart, 640, 290);
    expect(svg).toContain('class="warning"');
    expect(svg).toContain('>warning &gt; 10</text>');
  });

  it('the checker itself catches an overlap and a clipped label', () => {
    const bad = (x: number, y: number, text: string) =>
      `<text x="${x}" y="${y}" text-anchor="start" font-size="10">${text}</text>`;
    expect(() =>
      assertLegible([1, 2, 3, 4, 5].map((i) => bad(i * 100, 50, 'a')).join('') + bad(100, 52, 'b'), 640, 290),
    ).toThrow(/overlaps/);
    expect(() =>
      assertLegible(
        [1, 2, 3, 4, 5].map((i) => bad(i * 100, 50, 'a')).join('') + bad(630, 100, 'clipped'),
        640,
        290,
      ),
    ).toThrow(/right edge/);
  });
});

const dir = mkdtempSync(join(tmpdir(), 'sentinel-charts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(RSVG === undefined)('charts rendered to PNG by rsvg-convert', () => {
  it.each([
    ['rca-otp', () => rcaChart('otp_in_critical'), 290],
    ['rca-latency', () => rcaChart('latency_p95'), 290],
    ['backtest', backtestSvg, 580],
  ] as const)('%s renders at its size and is not blank', (name, render, height) => {
    const svgPath = join(dir, `${name}.svg`);
    const pngPath = join(dir, `${name}.png`);
    writeFileSync(svgPath, render());
    execFileSync(RSVG as string, ['-o', pngPath, svgPath]);
    const facts = pngFacts(readFileSync(pngPath));
    expect(facts.signature).toBe('89504e470d0a1a0a');
    expect({ width: facts.width, height: facts.height }).toEqual({ width: 640, height });
    // A blank canvas inflates to a handful of byte values; text, lines and anti-aliasing to many.
    expect(facts.distinctBytes).toBeGreaterThan(40);
    if (process.env.SENTINEL_KEEP_CHARTS)
      writeFileSync(join(process.env.SENTINEL_KEEP_CHARTS, `${name}.png`), readFileSync(pngPath));
  });
});

if (RSVG === undefined && process.env.CI === 'true') {
  // .ci/run installs librsvg2-bin: in CI a missing rsvg-convert is a broken install, not a skip.
  throw new Error('rsvg-convert is not installed (apt-get install -y librsvg2-bin)');
}
