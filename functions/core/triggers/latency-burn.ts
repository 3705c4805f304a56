import { latencyCount, samplesOver } from '../buckets.ts';
import { parseDuration } from '../duration.ts';
import { triggerCut } from '../latency-cuts.ts';
import type { Policy } from '../policy.ts';
import { plural } from './format.ts';
import { roundValue, triggerResult } from './result.ts';
import type { EvaluationInput, TriggerResult } from './types.ts';
import { bucketsInWindow } from './window.ts';

/** Latency samples of a window and how many of them were strictly above `thresholdMs`. */
export interface WindowLatency {
  samples: number;
  over: number;
}

type BurnRule = Policy['triggers']['latency_p95']['burnRate']['page'][number];

/** Every window the burn-rate rules read, in ms (the loader keeps their starts exact). */
export function burnWindowsMs(policy: Policy): number[] {
  const { page, ticket } = policy.triggers.latency_p95.burnRate;
  return [...page, ...ticket].flatMap((rule) => [
    parseDuration(rule.longWindow),
    parseDuration(rule.shortWindow),
  ]);
}

/**
 * Burn rate = the window's share of requests above the threshold ÷ the error budget (1 − objective):
 * 1 spends the budget exactly over the SLO period, 14.4 spends 2 % of 30 days' budget in an hour.
 */
export function burnRate(window: WindowLatency, objective: number): number | null {
  return window.samples === 0 ? null : window.over / window.samples / (1 - objective);
}

interface RuleState {
  rule: BurnRule;
  long: number | null;
  short: number | null;
  /** The short window holds enough samples to judge. */
  judged: boolean;
  fires: boolean;
}

/**
 * The SRE workbook's multiwindow, multi-burn-rate alert (ch. 5, "Alerting on SLOs"): a rule fires
 * when its long and its short window both burn at ≥ factor and the short window holds at least
 * `minSamplesPerShortWindow` samples. A page rule firing → breach, a ticket rule → warning, no
 * rule with enough samples → inconclusive, else ok. `value` is the burn rate of the first page
 * rule's long window (1 h by default), `threshold` its factor, `warningThreshold` the first
 * ticket rule's factor. `windowLatency(ms)` gives the counts of the window `(at − ms, at]`.
 */
export function latencyBurnRateResult(
  policy: Policy,
  samples: number,
  windowLatency: (windowMs: number) => WindowLatency,
): TriggerResult {
  const { window, thresholdMs, burnRate: config } = policy.triggers.latency_p95;
  const { objective, minSamplesPerShortWindow, page, ticket } = config;
  const state = (rule: BurnRule): RuleState => {
    const longCounts = windowLatency(parseDuration(rule.longWindow));
    const shortCounts = windowLatency(parseDuration(rule.shortWindow));
    const long = burnRate(longCounts, objective);
    const short = burnRate(shortCounts, objective);
    const judged = shortCounts.samples > 0 && shortCounts.samples >= minSamplesPerShortWindow;
    const fires = judged && long !== null && short !== null && long >= rule.factor && short >= rule.factor;
    return { rule, long, short, judged, fires };
  };
  const pages = page.map(state);
  const tickets = ticket.map(state);
  const first = pages[0] as RuleState;
  const common = {
    value: first.long === null ? null : roundValue(first.long),
    threshold: first.rule.factor,
    warningThreshold: tickets[0]?.rule.factor ?? null,
    samples,
    window,
  };
  const slo = `SLO ${roundValue(objective * 100)} % of requests ≤ ${thresholdMs} ms`;
  const describe = (s: RuleState) =>
    `${s.rule.longWindow} ${formatBurn(s.long)} & ${s.rule.shortWindow} ${formatBurn(s.short)} ` +
    `${s.fires ? '≥' : 'vs'} ${s.rule.factor}×${s.judged ? '' : ` (short window < ${minSamplesPerShortWindow} samples)`}`;
  const all = [...pages, ...tickets].map(describe).join('; ');
  const firingPage = pages.find((s) => s.fires);
  const firingTicket = tickets.find((s) => s.fires);
  if (!firingPage && !firingTicket && ![...pages, ...tickets].some((s) => s.judged)) {
    return triggerResult('latency_p95', {
      ...common,
      outcome: 'inconclusive',
      reason:
        `not enough data: no burn-rate short window holds ${minSamplesPerShortWindow} or more latency ` +
        `samples (${slo}; ${all}; ${plural(samples, 'sample')} in ${window})`,
    });
  }
  const firing = firingPage ?? firingTicket;
  const outcome = firingPage ? 'breach' : firingTicket ? 'warning' : 'ok';
  const headline = firing
    ? `error budget burning at ≥ ${firing.rule.factor}× over ${firing.rule.longWindow} and ${firing.rule.shortWindow} (${firingPage ? 'page' : 'ticket'})`
    : 'no burn-rate rule fires';
  return triggerResult('latency_p95', {
    ...common,
    outcome,
    reason: `${headline} (${slo}; burn rates ${all}; ${plural(samples, 'sample')} in ${window})`,
  });
}

function formatBurn(rate: number | null): string {
  return rate === null ? '—' : `${rate.toFixed(2)}×`;
}

/** latency_p95 in `mode: burn_rate`, from the input's buckets (minutes or rollups with exact starts). */
export function evaluateLatencyBurnRate({ at, buckets, policy }: EvaluationInput): TriggerResult {
  const cut = triggerCut(policy);
  const windowLatency = (windowMs: number): WindowLatency => {
    let samples = 0;
    let over = 0;
    for (const bucket of bucketsInWindow(buckets, at, windowMs)) {
      samples += latencyCount(bucket);
      over += samplesOver(bucket, cut);
    }
    return { samples, over };
  };
  const samples = windowLatency(parseDuration(policy.triggers.latency_p95.window)).samples;
  return latencyBurnRateResult(policy, samples, windowLatency);
}
