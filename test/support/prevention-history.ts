/**
 * Synthetic histories with known answers for the prevention tests: steady traffic of five
 * classifications a minute at exactly the baseline distribution (15/25/60 in every block of 20),
 * 500 ms latency and $0.001 each, with a bad version deployed at a known minute.
 */
import type {
  ClassificationEvent,
  GdsReportEvent,
  Importance,
  SentinelEvent,
} from '../../functions/core/events.ts';
import type { Version } from '../../functions/core/version.ts';

export const MINUTE = 60_000;
export const DAY = 1_440 * MINUTE;
export const START = Date.parse('2026-11-20T00:00:00Z');
export const GOOD: Version = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
export const BAD: Version = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v3' };

const PER_MINUTE = 5;

export function classOf(index: number): Importance {
  const slot = index % 20;
  return slot < 3 ? 'critical' : slot < 8 ? 'time_sensitive' : 'routine';
}

export interface HistoryOptions {
  days: number;
  /** The bad version takes over live traffic at this instant. */
  deployAt: number;
  /** First minute of the bad version's OTP-in-critical (one such email in that minute). */
  otpAt?: number;
  /** From this minute on, the bad version answers in 4 s. */
  slowFrom?: number;
}

export function history(options: HistoryOptions): SentinelEvent[] {
  const events: SentinelEvent[] = [];
  let index = 0;
  for (let minute = START; minute < START + options.days * DAY; minute += MINUTE) {
    const version = minute >= options.deployAt ? BAD : GOOD;
    const slow = version === BAD && options.slowFrom !== undefined && minute >= options.slowFrom;
    for (let i = 0; i < PER_MINUTE; i++) {
      events.push({
        type: 'classification',
        id: `e-${index}`,
        ts: minute + i * 10_000,
        version,
        importance: classOf(index),
        otp: false,
        latencyMs: slow ? 4_000 : 500,
        costUsd: 0.001,
      });
      index += 1;
    }
    if (options.otpAt !== undefined && minute === options.otpAt) {
      events.push({
        type: 'classification',
        id: 'otp-1',
        ts: minute + 55_000,
        version,
        importance: 'critical',
        otp: true,
        latencyMs: 500,
        costUsd: 0.001,
      });
    }
  }
  events.push(goodReport(GOOD, START + 1), goodReport(BAD, options.deployAt - 3_600_000));
  return events;
}

export function goodReport(
  version: Version,
  ts: number,
  extra: Partial<GdsReportEvent> = {},
): GdsReportEvent {
  return {
    type: 'gds_report',
    id: `g-${version.prompt}-${ts}`,
    ts,
    version,
    dataset: 'gds-1',
    critical: { tp: 190, fp: 5, fn: 10 },
    otpInCritical: 0,
    ...extra,
  };
}

/** Events as a .jsonl file's text, with ISO timestamps as on the wire. */
export function toJsonl(events: readonly SentinelEvent[]): string {
  return `${events.map((event) => JSON.stringify({ ...event, ts: new Date(event.ts).toISOString() })).join('\n')}\n`;
}

export interface ShadowOptions {
  days: number;
  perDay: number;
  /** What the candidate answers for live email `index` (default: the same class). */
  candidate?: (index: number, live: Importance) => Partial<ClassificationEvent>;
}

/** Live GOOD traffic and BAD's shadow classifications of the same emails. */
export function shadowHistory(options: ShadowOptions): ClassificationEvent[] {
  const events: ClassificationEvent[] = [];
  const gap = DAY / options.perDay;
  for (let index = 0; index < options.days * options.perDay; index++) {
    const ts = START + Math.round(index * gap);
    const importance = classOf(index);
    events.push({
      type: 'classification',
      id: `live-${index}`,
      ts,
      version: GOOD,
      importance,
      otp: false,
      latencyMs: 500,
      costUsd: 0.001,
    });
    events.push({
      type: 'classification',
      id: `shadow-${index}`,
      ts: ts + 1_000,
      version: BAD,
      importance,
      otp: false,
      latencyMs: 600,
      costUsd: 0.0012,
      shadow: true,
      emailId: `live-${index}`,
      ...options.candidate?.(index, importance),
    });
  }
  return events;
}
