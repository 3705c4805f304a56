/**
 * Backtest: replays a history of events through the seven triggers, step by step, as the
 * scheduled evaluator would have judged it, and reports when each trigger would first have
 * warned and breached, the decision timeline and the first rollback. The file is folded once
 * into per-minute buckets; each step then costs O(1) per trigger (see incremental.ts).
 *
 * At a step `t` every live version with classifications in `(t − evaluator.activeWithin, t]`
 * is judged exactly as `sentinel evaluate --at t` would judge it.
 */
import type { BatchAggregate } from '../aggregate.ts';
import { MINUTE_MS } from '../buckets.ts';
import { ValidationError } from '../errors.ts';
import type { GdsReportEvent } from '../events.ts';
import type { Policy } from '../policy.ts';
import {
  type Decision,
  type Outcome,
  TRIGGER_IDS,
  type TriggerId,
  type TriggerResult,
} from '../triggers/types.ts';
import { type Version, versionKey } from '../version.ts';
import { buildTimeline, IncrementalEvaluator, type SeriesTimeline } from './incremental.ts';

/** The folded history: one dense timeline per live version, and every GDS report. */
export interface BacktestHistory {
  timelines: SeriesTimeline[];
  gdsReports: GdsReportEvent[];
  /** First and last minute with live traffic, epoch ms; undefined when there is none. */
  firstMinute: number | undefined;
  lastMinute: number | undefined;
}

export function prepareHistory(aggregate: BatchAggregate): BacktestHistory {
  const timelines: SeriesTimeline[] = [];
  for (const series of aggregate.series.values()) {
    if (series.shadow) continue; // shadow traffic is a candidate's, never the live version's
    const timeline = buildTimeline(series);
    if (timeline) timelines.push(timeline);
  }
  timelines.sort((a, b) => a.base - b.base || versionKey(a.version).localeCompare(versionKey(b.version)));
  const firsts = timelines.map((t) => t.base);
  const lasts = timelines.map((t) => t.base + (t.length - 1) * MINUTE_MS);
  return {
    timelines,
    gdsReports: [...aggregate.gdsReports],
    firstMinute: firsts.length > 0 ? Math.min(...firsts) : undefined,
    lastMinute: lasts.length > 0 ? Math.max(...lasts) : undefined,
  };
}

export interface ReplayOptions {
  /** First step (epoch ms); default: the first minute with live traffic. */
  from?: number;
  /** Last step, inclusive; default: the last minute with live traffic. */
  to?: number;
  stepMs: number;
  /** Keep every step's trigger values for charts (memory: 7 numbers per version per step). */
  trace?: boolean;
}

export interface TriggerDetection {
  id: TriggerId;
  /** First step at warning or worse (a trigger without a warning level: its first breach). */
  firstWarning: string | null;
  firstBreach: string | null;
  /** The result at the first breach. */
  breach: { value: number | null; threshold: number; reason: string } | null;
}

export interface DecisionChange {
  at: string;
  decision: Decision;
  /** The triggers at warning or breach at that step. */
  triggers: { id: TriggerId; outcome: Outcome; value: number | null }[];
}

export interface VersionReplay {
  version: Version;
  /** First and last step at which the version was live (and so judged). */
  activeFrom: string | null;
  activeTo: string | null;
  evaluatedSteps: number;
  triggers: TriggerDetection[];
  /** Changes only, starting with the first judged step. */
  timeline: DecisionChange[];
  firstRollback: { at: string; triggers: TriggerId[] } | null;
}

export interface BacktestReport {
  from: string;
  to: string;
  stepMs: number;
  steps: number;
  evaluations: number;
  versions: VersionReplay[];
  firstRollback: { at: string; version: Version; triggers: TriggerId[] } | null;
}

/** Per-step values of one version, for the SVG timeline. */
export interface VersionTrace {
  version: Version;
  /** Step instants (epoch ms) at which the version was judged. */
  at: number[];
  decisions: Decision[];
  /** null where the trigger was inconclusive (too little data): a chart must not draw it. */
  values: Record<TriggerId, (number | null)[]>;
  thresholds: Record<TriggerId, number>;
  warningThresholds: Record<TriggerId, number | null>;
}

export interface ReplayResult {
  report: BacktestReport;
  traces: VersionTrace[];
}

export function replay(history: BacktestHistory, policy: Policy, options: ReplayOptions): ReplayResult {
  if (!(options.stepMs > 0) || !Number.isInteger(options.stepMs)) {
    throw new ValidationError(`step must be a positive duration (got ${options.stepMs} ms)`);
  }
  const from = options.from ?? history.firstMinute;
  const to = options.to ?? history.lastMinute;
  if (from === undefined || to === undefined) {
    throw new ValidationError('no live classification events to replay');
  }
  if (to < from) {
    throw new ValidationError(
      `--to ${new Date(to).toISOString()} is before --from ${new Date(from).toISOString()}`,
    );
  }
  const evaluators = history.timelines.map((t) => new IncrementalEvaluator(t, history.gdsReports, policy));
  const states = evaluators.map((evaluator) => newState(evaluator.timeline.version, options.trace === true));
  let steps = 0;
  let evaluations = 0;
  let firstRollback: BacktestReport['firstRollback'] = null;
  for (let at = from; at <= to; at += options.stepMs) {
    steps += 1;
    for (let v = 0; v < evaluators.length; v++) {
      const evaluator = evaluators[v] as IncrementalEvaluator;
      if (!evaluator.isActive(at)) continue;
      const evaluation = evaluator.evaluate(at);
      evaluations += 1;
      const state = states[v] as ReplayState;
      record(state, at, evaluation.decision, evaluation.triggers);
      if (firstRollback === null && state.replay.firstRollback !== null) {
        firstRollback = { ...state.replay.firstRollback, version: state.replay.version };
      }
    }
  }
  return {
    report: {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      stepMs: options.stepMs,
      steps,
      evaluations,
      versions: states.map((state) => state.replay),
      firstRollback,
    },
    traces: states.flatMap((state) => (state.trace ? [state.trace] : [])),
  };
}

interface ReplayState {
  replay: VersionReplay;
  byId: Record<TriggerId, TriggerDetection>;
  lastDecision: Decision | null;
  trace: VersionTrace | null;
}

function newState(version: Version, trace: boolean): ReplayState {
  const triggers = TRIGGER_IDS.map(
    (id): TriggerDetection => ({ id, firstWarning: null, firstBreach: null, breach: null }),
  );
  const byId = Object.fromEntries(triggers.map((t) => [t.id, t])) as Record<TriggerId, TriggerDetection>;
  return {
    replay: {
      version,
      activeFrom: null,
      activeTo: null,
      evaluatedSteps: 0,
      triggers,
      timeline: [],
      firstRollback: null,
    },
    byId,
    lastDecision: null,
    trace: trace
      ? {
          version,
          at: [],
          decisions: [],
          values: Object.fromEntries(TRIGGER_IDS.map((id) => [id, []])) as unknown as VersionTrace['values'],
          thresholds: {} as VersionTrace['thresholds'],
          warningThresholds: {} as VersionTrace['warningThresholds'],
        }
      : null,
  };
}

function record(state: ReplayState, at: number, decision: Decision, results: readonly TriggerResult[]): void {
  const { replay } = state;
  const iso = new Date(at).toISOString();
  replay.activeFrom ??= iso;
  replay.activeTo = iso;
  replay.evaluatedSteps += 1;
  for (const result of results) {
    const detection = state.byId[result.id];
    if (detection.firstWarning === null && (result.outcome === 'warning' || result.outcome === 'breach')) {
      detection.firstWarning = iso;
    }
    if (detection.firstBreach === null && result.outcome === 'breach') {
      detection.firstBreach = iso;
      detection.breach = { value: result.value, threshold: result.threshold, reason: result.reason };
    }
  }
  if (decision !== state.lastDecision) {
    replay.timeline.push({
      at: iso,
      decision,
      triggers: results
        .filter((r) => r.outcome === 'warning' || r.outcome === 'breach')
        .map((r) => ({ id: r.id, outcome: r.outcome, value: r.value })),
    });
    state.lastDecision = decision;
  }
  if (decision === 'rollback' && replay.firstRollback === null) {
    replay.firstRollback = {
      at: iso,
      triggers: results.filter((r) => r.kind === 'automatic' && r.outcome === 'breach').map((r) => r.id),
    };
  }
  if (state.trace) {
    state.trace.at.push(at);
    state.trace.decisions.push(decision);
    for (const result of results) {
      state.trace.values[result.id].push(result.outcome === 'inconclusive' ? null : result.value);
      state.trace.thresholds[result.id] = result.threshold;
      state.trace.warningThresholds[result.id] = result.warningThreshold;
    }
  }
}

export interface DetectionChange {
  version: Version;
  trigger: TriggerId | 'rollback';
  /** First breach (for `rollback`: first rollback) under the first and the second policy. */
  first: string | null;
  second: string | null;
  /** second − first in minutes; null when either never fired. Negative = the second policy is earlier. */
  deltaMinutes: number | null;
}

/** How detection times move from one policy to another, per version and trigger. */
export function compareReplays(first: BacktestReport, second: BacktestReport): DetectionChange[] {
  const changes: DetectionChange[] = [];
  const secondByKey = new Map(second.versions.map((v) => [versionKey(v.version), v]));
  for (const a of first.versions) {
    const b = secondByKey.get(versionKey(a.version));
    const pairs: [TriggerId | 'rollback', string | null, string | null][] = [
      ...a.triggers.map((t): [TriggerId, string | null, string | null] => [
        t.id,
        t.firstBreach,
        b?.triggers.find((other) => other.id === t.id)?.firstBreach ?? null,
      ]),
      ['rollback', a.firstRollback?.at ?? null, b?.firstRollback?.at ?? null],
    ];
    for (const [trigger, firstAt, secondAt] of pairs) {
      changes.push({
        version: a.version,
        trigger,
        first: firstAt,
        second: secondAt,
        deltaMinutes:
          firstAt === null || secondAt === null
            ? null
            : (Date.parse(secondAt) - Date.parse(firstAt)) / MINUTE_MS,
      });
    }
  }
  return changes;
}
