/**
 * The backtest as a small SVG: for the version whose decision got worst (rollback > investigate >
 * watch; ties: the one judged longest), one chart per trigger that left `ok` — its value at each step
 * against its breach threshold, with the decision changes as markers. Charts are stacked in one
 * document. Pure.
 */
import { CHART_LAYOUT, type ChartPoint, renderMetricChart } from '../rca/chart.ts';
import { formatSpan } from '../span.ts';
import { type Decision, TRIGGER_IDS, type TriggerId } from '../triggers/types.ts';
import { describeVersion, versionKey } from '../version.ts';
import type { BacktestReport, VersionReplay, VersionTrace } from './backtest.ts';

const MAX_POINTS = 720;

const UNITS: Record<TriggerId, string> = {
  otp_in_critical: 'OTP emails in critical',
  critical_precision: 'precision',
  critical_recall: 'recall',
  fp_budget: 'FP per 100 emails',
  latency_p95: 'slow minutes',
  cost_spike: '× baseline cost',
  distribution_drift: 'pp drift',
  data_freshness: 'minutes since live traffic',
};

export function renderBacktestSvg(report: BacktestReport, traces: readonly VersionTrace[]): string {
  const chosen = [...report.versions].sort(
    (a, b) => severity(b) - severity(a) || b.evaluatedSteps - a.evaluatedSteps,
  )[0];
  const chosenKey = chosen ? versionKey(chosen.version) : '';
  const trace = traces.find((t) => versionKey(t.version) === chosenKey);
  const replay = report.versions.find((v) => versionKey(v.version) === chosenKey);
  if (!trace || !replay) {
    return renderMetricChart({
      title: 'backtest: no version judged',
      points: [],
      threshold: 0,
      thresholdLabel: '',
      markers: [],
      unit: '',
    });
  }
  const interesting = replay.triggers.filter((t) => t.firstWarning !== null).map((t) => t.id);
  const ids: TriggerId[] = interesting.length > 0 ? interesting : [TRIGGER_IDS[0]];
  const markers = replay.timeline.map((change) => ({ t: Date.parse(change.at), label: change.decision }));
  const every = Math.max(1, Math.ceil(trace.at.length / MAX_POINTS));
  const stepMs = report.stepMs * every;
  const charts = ids.map((id) => {
    const below = id === 'critical_precision' || id === 'critical_recall';
    const comparison = below ? '<' : '>';
    const warning = trace.warningThresholds[id] ?? null;
    return renderMetricChart({
      title: `${id} — ${describeVersion(trace.version)}`,
      points: downsample(trace.at, trace.values[id], every, below),
      threshold: trace.thresholds[id] ?? 0,
      thresholdLabel: `breach ${comparison} ${trace.thresholds[id] ?? 0}`,
      warningThreshold: warning,
      ...(warning === null ? {} : { warningLabel: `warning ${comparison} ${warning}` }),
      markers,
      unit: UNITS[id],
      note:
        `a point every ${formatSpan(stepMs)}${every > 1 ? ` (the worst of ${every} steps)` : ''}; ` +
        'gaps: too little data to judge, or not live',
    });
  });
  const { width, height } = CHART_LAYOUT;
  const total = height * charts.length;
  const nested = charts.map((svg, index) =>
    svg.replace('<svg xmlns="http://www.w3.org/2000/svg" ', `<svg x="0" y="${index * height}" `),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" role="img">`,
    ...nested,
    '</svg>',
    '',
  ].join('\n');
}

const RANK: Record<Decision, number> = { none: 0, watch: 1, investigate: 2, rollback: 3 };

/** The worst decision a version reached; the chart shows the version that got closest to a rollback. */
function severity(replay: VersionReplay): number {
  return Math.max(0, ...replay.timeline.map((change) => RANK[change.decision]));
}

/**
 * At most MAX_POINTS points: each keeps the worst value of its stretch (the largest, or the
 * smallest where lower is worse), so spikes stay visible; a stretch the trigger could never
 * judge stays a gap.
 */
function downsample(
  at: readonly number[],
  values: readonly (number | null)[],
  every: number,
  lowerIsWorse: boolean,
): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (let start = 0; start < at.length; start += every) {
    let value: number | null = null;
    for (let i = start; i < Math.min(at.length, start + every); i++) {
      const v = values[i] ?? null;
      if (v !== null && (value === null || (lowerIsWorse ? v < value : v > value))) value = v;
    }
    points.push({ t: at[start] as number, value });
  }
  return points;
}
