/**
 * A small standalone SVG line chart for the RCA and the backtest: one metric over time in one or
 * more series (the bad and the restored version), its breach and warning lines, vertical markers
 * (bad deploy, detection, commit, restored version live) and a legend that says what a point is.
 * No dependencies, so it renders the same in the cloud, locally and in tests. Labels are laid out
 * by `LabelLayout`: none overlaps another or leaves the canvas (checked on the geometry in tests).
 */
import { type Anchor, type Box, LabelLayout, type TextPlacement, textBox } from './label-layout.ts';

export interface ChartPoint {
  t: number;
  /** null = no data, or too little for the trigger to judge: the line breaks instead of lying. */
  value: number | null;
}

export interface ChartMarker {
  t: number;
  label: string;
}

export interface ChartSeries {
  label: string;
  color: string;
  points: readonly ChartPoint[];
}

export interface MetricChart {
  title: string;
  /** One unnamed series; or `series` for several, each named in the legend. */
  points?: readonly ChartPoint[];
  series?: readonly ChartSeries[];
  threshold: number;
  thresholdLabel: string;
  /** The warning line, where the trigger has one. */
  warningThreshold?: number | null;
  warningLabel?: string;
  markers: readonly ChartMarker[];
  unit: string;
  /** What one point is, e.g. "a point every 5 min: the trigger's value over its 24h window". */
  note?: string;
  /** The time range shown (default: the data and the markers). */
  from?: number;
  to?: number;
}

/** Canvas size and plot-area margins, in px; the bottom holds ticks, axis title and legend. */
export const CHART_LAYOUT = { width: 640, height: 290, left: 64, right: 24, top: 40, bottom: 88 } as const;

const X_TICKS = 6;
const Y_TICKS = 4;
const TIME_STEPS_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];
const HALF_HOUR_MS = 1_800_000;
const FONT = 'font-family="sans-serif"';
const SERIES_COLOR = '#1f77b4';
const BREACH_COLOR = '#d62728';
const WARNING_COLOR = '#e08a00';
/** A white outline under movable labels, so a line running through one does not cross it out. */
const HALO = ' stroke="#ffffff" stroke-width="3" paint-order="stroke"';

interface Plot {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export function renderMetricChart(chart: MetricChart): string {
  const { width, height, left, right, top, bottom } = CHART_LAYOUT;
  const plot: Plot = { x0: left, x1: width - right, y0: height - bottom, y1: top };
  const layout = new LabelLayout({ x0: 0, y0: 0, x1: width, y1: height });
  const series = chart.series ?? [{ label: '', color: SERIES_COLOR, points: chart.points ?? [] }];
  const [tMin, tMax] = timeDomain(chart, series);
  const domain = valueDomain(chart, series);
  const x = (t: number) => plot.x0 + ((t - tMin) / (tMax - tMin)) * (plot.x1 - plot.x0);
  const y = (v: number) => plot.y0 - ((v - domain.low) / (domain.high - domain.low)) * (plot.y0 - plot.y1);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    title(chart.title, width, layout),
    `<g class="axes" stroke="#444444" stroke-width="1">`,
    `<line x1="${px(plot.x0)}" y1="${px(plot.y0)}" x2="${px(plot.x1)}" y2="${px(plot.y0)}"/>`,
    `<line x1="${px(plot.x0)}" y1="${px(plot.y0)}" x2="${px(plot.x0)}" y2="${px(plot.y1)}"/>`,
    '</g>',
    ...xTicks(tMin, tMax, x, plot.y0, layout),
    ...yTicks(domain, y, plot.x0, layout),
    fixedText(
      'x-title',
      `time (UTC) from ${new Date(tMin).toISOString().slice(0, 10)}`,
      11,
      { x: (plot.x0 + plot.x1) / 2, y: plot.y0 + 28, anchor: 'middle' },
      layout,
    ),
    yTitle(chart.unit, plot, layout),
    ...legend(chart, series, plot, layout),
  ];
  const lines = [
    thresholdLine('threshold', chart.threshold, chart.thresholdLabel, BREACH_COLOR, y, plot, layout),
  ];
  if (chart.warningThreshold !== undefined && chart.warningThreshold !== null) {
    const label = chart.warningLabel ?? `warning ${chart.warningThreshold}`;
    lines.push(thresholdLine('warning', chart.warningThreshold, label, WARNING_COLOR, y, plot, layout));
  }
  const marks = markers(chart.markers, x, plot, layout);
  // Lines under the data, the data under the labels (which carry a white halo), so a series
  // sitting on its threshold stays visible and no label is crossed out by it.
  parts.push(
    ...lines.map((l) => l.line),
    ...marks.lines,
    ...series.flatMap((s) => line(s, x, y)),
    ...lines.flatMap((l) => l.label),
    ...marks.labels,
  );
  if (!series.some((s) => s.points.some((point) => point.value !== null))) {
    parts.push(
      fixedText(
        'no-data',
        'no data',
        12,
        { x: (plot.x0 + plot.x1) / 2, y: (plot.y0 + plot.y1) / 2 + 20, anchor: 'middle' },
        layout,
        '#888888',
      ),
    );
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** Escapes the five XML specials, for text content and attribute values alike. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function textElement(
  className: string,
  text: string,
  fontSize: number,
  at: TextPlacement,
  fill = '#444444',
  extra = '',
): string {
  return `<text class="${className}" x="${px(at.x)}" y="${px(at.y)}" text-anchor="${at.anchor}" ${FONT} font-size="${fontSize}" fill="${fill}"${extra}>${escapeXml(text)}</text>`;
}

/** Text whose place is fixed (axis titles, ticks): reserved so that movable labels avoid it. */
function fixedText(
  className: string,
  text: string,
  fontSize: number,
  at: TextPlacement,
  layout: LabelLayout,
  fill?: string,
): string {
  layout.reserve(textBox(text, fontSize, at));
  return textElement(className, text, fontSize, at, fill);
}

/** A long title gets a smaller font rather than running off the canvas. */
function title(text: string, width: number, layout: LabelLayout): string {
  const fontSize = Math.min(13, Math.floor(((width - 16) / ([...text].length * 0.66)) * 10) / 10);
  const at: TextPlacement = { x: width / 2, y: 18, anchor: 'middle' };
  layout.reserve(textBox(text, fontSize, at, true));
  return textElement('title', text, fontSize, at, '#000000', ' font-weight="bold"');
}

function yTitle(unit: string, plot: Plot, layout: LabelLayout): string {
  const cy = (plot.y0 + plot.y1) / 2;
  const fontSize = 11;
  const half = ([...unit].length * fontSize * 0.6) / 2;
  // Rotated by −90°: the box is tall and narrow, centred on (14, cy).
  layout.reserve({ x0: 14 - fontSize * 0.8, y0: cy - half, x1: 14 + fontSize * 0.25, y1: cy + half });
  return `<text class="y-title" x="14" y="${px(cy)}" text-anchor="middle" ${FONT} font-size="${fontSize}" fill="#444444" transform="rotate(-90 14 ${px(cy)})">${escapeXml(unit)}</text>`;
}

function timeDomain(chart: MetricChart, series: readonly ChartSeries[]): [number, number] {
  const times = [
    ...series.flatMap((s) => s.points.map((point) => point.t)),
    ...chart.markers.map((marker) => marker.t),
  ];
  const min = chart.from ?? (times.length > 0 ? Math.min(...times) : 0);
  const max = chart.to ?? (times.length > 0 ? Math.max(...times) : HALF_HOUR_MS);
  return min >= max ? [min - HALF_HOUR_MS, max + HALF_HOUR_MS] : [min, max];
}

/**
 * Data and lines always fit with some headroom, on round tick values; a non-negative metric
 * keeps 0 as its floor so counts never get a negative axis.
 */
function valueDomain(
  chart: MetricChart,
  series: readonly ChartSeries[],
): { low: number; high: number; step: number } {
  const values = [
    chart.threshold,
    ...(chart.warningThreshold === undefined || chart.warningThreshold === null
      ? []
      : [chart.warningThreshold]),
    ...series.flatMap((s) => s.points.flatMap((point) => (point.value === null ? [] : [point.value]))),
  ];
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || Math.max(Math.abs(max), 1);
  const padded = { low: min >= 0 ? Math.max(0, min - span * 0.1) : min - span * 0.1, high: max + span * 0.1 };
  const step = niceStep((padded.high - padded.low) / (Y_TICKS - 1));
  return { low: Math.floor(padded.low / step) * step, high: Math.ceil(padded.high / step) * step, step };
}

/** The smallest 1, 2, 2.5 or 5 × 10^k that is at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 2.5, 5, 10].find((multiple) => multiple * power >= raw * (1 - 1e-9)) ?? 10) * power;
}

function line(s: ChartSeries, x: (t: number) => number, y: (v: number) => number): string[] {
  const segments: { t: number; value: number }[][] = [];
  let current: { t: number; value: number }[] = [];
  for (const { t, value } of [...s.points].sort((a, b) => a.t - b.t)) {
    if (value !== null) {
      current.push({ t, value });
      continue;
    }
    if (current.length > 0) segments.push(current);
    current = [];
  }
  if (current.length > 0) segments.push(current);
  return segments.map((segment) => {
    const [first] = segment;
    if (segment.length === 1 && first !== undefined) {
      // A lone point between gaps: a one-point polyline would be invisible.
      return `<circle class="series" cx="${px(x(first.t))}" cy="${px(y(first.value))}" r="2" fill="${s.color}"/>`;
    }
    const coordinates = segment.map((point) => `${px(x(point.t))},${px(y(point.value))}`).join(' ');
    return `<polyline class="series" fill="none" stroke="${s.color}" stroke-width="2" points="${coordinates}"/>`;
  });
}

function thresholdLine(
  className: 'threshold' | 'warning',
  value: number,
  label: string,
  color: string,
  y: (v: number) => number,
  plot: Plot,
  layout: LabelLayout,
): { line: string; label: string[] } {
  const at = y(value);
  const dash = className === 'threshold' ? '6 4' : '3 3';
  const svgLine = `<line class="${className}" x1="${px(plot.x0)}" y1="${px(at)}" x2="${px(plot.x1)}" y2="${px(at)}" stroke="${color}" stroke-width="1.5" stroke-dasharray="${dash}"/>`;
  const above = Math.max(plot.y1 + 10, at - 4);
  const below = Math.min(plot.y0 - 4, at + 12);
  const place = layout.place(label, 10, [
    { x: plot.x1 - 4, y: above, anchor: 'end' },
    { x: plot.x1 - 4, y: below, anchor: 'end' },
    { x: plot.x0 + 4, y: above, anchor: 'start' },
    { x: plot.x0 + 4, y: below, anchor: 'start' },
  ]);
  return {
    line: svgLine,
    label: place ? [textElement(`${className}-label`, label, 10, place, color, HALO)] : [],
  };
}

function markers(
  list: readonly ChartMarker[],
  x: (t: number) => number,
  plot: Plot,
  layout: LabelLayout,
): { lines: string[]; labels: string[] } {
  const sorted = [...list].sort((a, b) => a.t - b.t);
  const lines: string[] = [];
  const labels: string[] = [];
  for (const marker of sorted) {
    const at = x(marker.t);
    // Bad deploy, detection, commit and restore are often minutes apart: a label that would touch
    // another moves down a row, or to the other side of its line.
    const candidates: TextPlacement[] = [];
    for (let row = 0; row < 8; row += 1) {
      const labelY = plot.y1 + 10 + row * 12;
      candidates.push({ x: at + 3, y: labelY, anchor: 'start' }, { x: at - 3, y: labelY, anchor: 'end' });
    }
    const place = layout.place(marker.label, 10, candidates);
    lines.push(
      `<line class="marker" x1="${px(at)}" y1="${px(plot.y0)}" x2="${px(at)}" y2="${px(plot.y1)}" stroke="#7f7f7f" stroke-width="1" stroke-dasharray="2 3"/>`,
    );
    if (place) labels.push(textElement('marker-label', marker.label, 10, place, '#555555', HALO));
  }
  return { lines, labels };
}

/** Series names, the lines' meanings and the note on what a point is, in rows under the axis. */
function legend(
  chart: MetricChart,
  series: readonly ChartSeries[],
  plot: Plot,
  layout: LabelLayout,
): string[] {
  const items: { label: string; color: string; dash?: string }[] = [
    ...series.filter((s) => s.label !== '').map((s) => ({ label: s.label, color: s.color })),
    { label: chart.thresholdLabel, color: BREACH_COLOR, dash: '6 4' },
    ...(chart.warningThreshold === undefined || chart.warningThreshold === null
      ? []
      : [
          {
            label: chart.warningLabel ?? `warning ${chart.warningThreshold}`,
            color: WARNING_COLOR,
            dash: '3 3',
          },
        ]),
  ];
  const parts: string[] = [];
  const fontSize = 10;
  const rowY = [plot.y0 + 44, plot.y0 + 58];
  let row = 0;
  let cursor = plot.x0;
  for (const item of items) {
    const width = 22 + [...item.label].length * fontSize * 0.6;
    if (cursor + width > CHART_LAYOUT.width - 8 && row < rowY.length - 1) {
      row += 1;
      cursor = plot.x0;
    }
    const baseline = rowY[row] as number;
    const dash = item.dash ? ` stroke-dasharray="${item.dash}"` : '';
    parts.push(
      `<line class="legend-key" x1="${px(cursor)}" y1="${px(baseline - 3)}" x2="${px(cursor + 16)}" y2="${px(baseline - 3)}" stroke="${item.color}" stroke-width="2"${dash}/>`,
      fixedText('legend', item.label, fontSize, { x: cursor + 20, y: baseline, anchor: 'start' }, layout),
    );
    cursor += width + 14;
  }
  if (chart.note) {
    // A long note gets a smaller font rather than running off the canvas.
    const room = CHART_LAYOUT.width - 8 - plot.x0;
    const noteSize = Math.min(fontSize, Math.floor((room / ([...chart.note].length * 0.6)) * 10) / 10);
    parts.push(
      fixedText(
        'legend-note',
        chart.note,
        noteSize,
        { x: plot.x0, y: plot.y0 + 72, anchor: 'start' },
        layout,
      ),
    );
  }
  return parts;
}

/** Round UTC times (every 1 min … 1 day), at most X_TICKS labels, none cut at the canvas edges. */
function xTicks(
  tMin: number,
  tMax: number,
  x: (t: number) => number,
  axisY: number,
  layout: LabelLayout,
): string[] {
  const stepMs =
    (TIME_STEPS_MINUTES.find((minutes) => (tMax - tMin) / (minutes * 60_000) <= X_TICKS) ?? 1440) * 60_000;
  const longSpan = tMax - tMin >= 24 * 3_600_000;
  const ticks: string[] = [];
  for (let t = Math.ceil(tMin / stepMs) * stepMs; t <= tMax; t += stepMs) {
    const iso = new Date(t).toISOString();
    const label = longSpan ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
    const half = ([...label].length * 10 * 0.6) / 2;
    const anchor: Anchor =
      x(t) + half > CHART_LAYOUT.width - 2 ? 'end' : x(t) - half < 2 ? 'start' : 'middle';
    ticks.push(fixedText('x-tick', label, 10, { x: x(t), y: axisY + 14, anchor }, layout));
  }
  return ticks;
}

function yTicks(
  domain: { low: number; high: number; step: number },
  y: (v: number) => number,
  axisX: number,
  layout: LabelLayout,
): string[] {
  const ticks: string[] = [];
  const count = Math.round((domain.high - domain.low) / domain.step);
  for (let index = 0; index <= count; index += 1) {
    const v = domain.low + index * domain.step;
    ticks.push(fixedText('y-tick', formatTick(v), 10, { x: axisX - 4, y: y(v) + 3, anchor: 'end' }, layout));
  }
  return ticks;
}

function formatTick(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 100) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

/** One decimal is plenty at this size and keeps the file small. */
function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export type { Box };
