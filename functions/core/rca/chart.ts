/**
 * A small standalone SVG line chart for the RCA: one metric over time, its threshold as a dashed
 * line, and vertical markers (detection, commit, deploy). No dependencies, so it renders the same
 * in the cloud, locally and in tests.
 */

export interface ChartPoint {
  t: number;
  /** null = no data in this step: the line breaks instead of dropping to zero. */
  value: number | null;
}

export interface ChartMarker {
  t: number;
  label: string;
}

export interface MetricChart {
  title: string;
  points: readonly ChartPoint[];
  threshold: number;
  thresholdLabel: string;
  markers: readonly ChartMarker[];
  unit: string;
}

/** Canvas size and plot-area margins, in px. */
export const CHART_LAYOUT = { width: 640, height: 240, left: 64, right: 24, top: 40, bottom: 44 } as const;

const X_TICKS = 6;
const Y_TICKS = 4;
const TIME_STEPS_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];
const HALF_HOUR_MS = 1_800_000;
const FONT = 'font-family="sans-serif"';

export function renderMetricChart(chart: MetricChart): string {
  const { width, height, left, right, top, bottom } = CHART_LAYOUT;
  const plot = { x0: left, x1: width - right, y0: height - bottom, y1: top };
  const [tMin, tMax] = timeDomain(chart);
  const domain = valueDomain(chart);
  const x = (t: number) => plot.x0 + ((t - tMin) / (tMax - tMin)) * (plot.x1 - plot.x0);
  const y = (v: number) => plot.y0 - ((v - domain.low) / (domain.high - domain.low)) * (plot.y0 - plot.y1);
  const thresholdY = y(chart.threshold);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" ${FONT} font-size="13" font-weight="bold">${escapeXml(chart.title)}</text>`,
    `<g class="axes" stroke="#444444" stroke-width="1">`,
    `<line x1="${px(plot.x0)}" y1="${px(plot.y0)}" x2="${px(plot.x1)}" y2="${px(plot.y0)}"/>`,
    `<line x1="${px(plot.x0)}" y1="${px(plot.y0)}" x2="${px(plot.x0)}" y2="${px(plot.y1)}"/>`,
    '</g>',
    ...xTicks(tMin, tMax, x, plot.y0),
    ...yTicks(domain, y, plot.x0),
    `<text class="x-title" x="${px((plot.x0 + plot.x1) / 2)}" y="${height - 6}" text-anchor="middle" ${FONT} font-size="11" fill="#444444">time (UTC) from ${escapeXml(new Date(tMin).toISOString().slice(0, 10))}</text>`,
    `<text class="y-title" x="14" y="${px((plot.y0 + plot.y1) / 2)}" text-anchor="middle" ${FONT} font-size="11" fill="#444444" transform="rotate(-90 14 ${px((plot.y0 + plot.y1) / 2)})">${escapeXml(chart.unit)}</text>`,
    `<line class="threshold" x1="${px(plot.x0)}" y1="${px(thresholdY)}" x2="${px(plot.x1)}" y2="${px(thresholdY)}" stroke="#d62728" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    `<text class="threshold-label" x="${px(plot.x1 - 4)}" y="${px(thresholdY - 4)}" text-anchor="end" ${FONT} font-size="10" fill="#d62728">${escapeXml(chart.thresholdLabel)}</text>`,
    ...series(chart.points, x, y),
    ...markers(chart.markers, x, plot),
  ];
  if (!chart.points.some((point) => point.value !== null)) {
    parts.push(
      `<text class="no-data" x="${px((plot.x0 + plot.x1) / 2)}" y="${px((plot.y0 + plot.y1) / 2)}" text-anchor="middle" ${FONT} font-size="12" fill="#888888">no data</text>`,
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

function timeDomain(chart: MetricChart): [number, number] {
  const times = [...chart.points.map((point) => point.t), ...chart.markers.map((marker) => marker.t)];
  if (times.length === 0) return [0, HALF_HOUR_MS];
  const min = Math.min(...times);
  const max = Math.max(...times);
  return min === max ? [min - HALF_HOUR_MS, max + HALF_HOUR_MS] : [min, max];
}

/**
 * Data and threshold always fit with some headroom, on round tick values; a non-negative metric
 * keeps 0 as its floor so counts never get a negative axis.
 */
function valueDomain(chart: MetricChart): { low: number; high: number; step: number } {
  const values = [
    chart.threshold,
    ...chart.points.flatMap((point) => (point.value === null ? [] : [point.value])),
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

function series(points: readonly ChartPoint[], x: (t: number) => number, y: (v: number) => number): string[] {
  const segments: { t: number; value: number }[][] = [];
  let current: { t: number; value: number }[] = [];
  for (const { t, value } of [...points].sort((a, b) => a.t - b.t)) {
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
      return `<circle class="series" cx="${px(x(first.t))}" cy="${px(y(first.value))}" r="2" fill="#1f77b4"/>`;
    }
    const coordinates = segment.map((point) => `${px(x(point.t))},${px(y(point.value))}`).join(' ');
    return `<polyline class="series" fill="none" stroke="#1f77b4" stroke-width="2" points="${coordinates}"/>`;
  });
}

function markers(
  list: readonly ChartMarker[],
  x: (t: number) => number,
  plot: { x0: number; x1: number; y0: number; y1: number },
): string[] {
  return list.flatMap((marker, index) => {
    const at = px(x(marker.t));
    // Detection, commit and deploy are often minutes apart: stagger the labels so they stay readable.
    const labelY = px(plot.y1 + 10 + (index % 3) * 12);
    const nearRightEdge = x(marker.t) > plot.x1 - 80;
    return [
      `<line class="marker" x1="${at}" y1="${px(plot.y0)}" x2="${at}" y2="${px(plot.y1)}" stroke="#7f7f7f" stroke-width="1" stroke-dasharray="2 3"/>`,
      `<text class="marker-label" x="${px(x(marker.t) + (nearRightEdge ? -3 : 3))}" y="${labelY}" text-anchor="${nearRightEdge ? 'end' : 'start'}" ${FONT} font-size="10" fill="#555555">${escapeXml(marker.label)}</text>`,
    ];
  });
}

/** Round UTC times (every 1 min … 1 day), at most X_TICKS labels. */
function xTicks(tMin: number, tMax: number, x: (t: number) => number, axisY: number): string[] {
  const stepMs =
    (TIME_STEPS_MINUTES.find((minutes) => (tMax - tMin) / (minutes * 60_000) <= X_TICKS) ?? 1440) * 60_000;
  const longSpan = tMax - tMin >= 24 * 3_600_000;
  const ticks: string[] = [];
  for (let t = Math.ceil(tMin / stepMs) * stepMs; t <= tMax; t += stepMs) {
    const iso = new Date(t).toISOString();
    const label = longSpan ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
    ticks.push(
      `<text class="x-tick" x="${px(x(t))}" y="${px(axisY + 14)}" text-anchor="middle" ${FONT} font-size="10" fill="#444444">${label}</text>`,
    );
  }
  return ticks;
}

function yTicks(
  domain: { low: number; high: number; step: number },
  y: (v: number) => number,
  axisX: number,
): string[] {
  const ticks: string[] = [];
  const count = Math.round((domain.high - domain.low) / domain.step);
  for (let index = 0; index <= count; index += 1) {
    const v = domain.low + index * domain.step;
    ticks.push(
      `<text class="y-tick" x="${px(axisX - 4)}" y="${px(y(v) + 3)}" text-anchor="end" ${FONT} font-size="10" fill="#444444">${formatTick(v)}</text>`,
    );
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
