/**
 * The scheduled tick on dynalite with the dispatcher tests' fakes (recording notifier, local
 * notification log): a deployed version going quiet warns, resumed traffic is fresh again, and
 * automatic triggers stuck inconclusive send one alert instead of staying silent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aggregateEvents } from '../../functions/core/aggregate.ts';
import { parseEvent, type SentinelEvent } from '../../functions/core/events.ts';
import { evaluateAndDispatch, type TickDeps } from '../../functions/core/incident/evaluate-and-dispatch.ts';
import { DEFAULT_POLICY } from '../../functions/core/policy.ts';
import type { Version } from '../../functions/core/version.ts';
import { localControl } from '../../functions/local/control.ts';
import { type LocalStore, openLocalStore } from '../../functions/local/local-store.ts';
import { RecordingNotifier } from '../support/incidents.ts';

const T0 = Date.parse('2026-11-27T10:00:00Z');
const MINUTE = 60_000;
const OLD: Version = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v1' };
const NEW: Version = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };

let sequence = 0;
function classifications(version: Version, fromMinute: number, toMinute: number): SentinelEvent[] {
  const events: SentinelEvent[] = [];
  for (let minute = fromMinute; minute <= toMinute; minute += 1) {
    sequence += 1;
    const parsed = parseEvent(
      {
        type: 'classification',
        id: `e-${sequence}`,
        ts: new Date(T0 + minute * MINUTE).toISOString(),
        version,
        importance: 'routine',
        latencyMs: 800,
      },
      0,
    );
    if (!parsed.ok) throw new Error(parsed.rejection.message);
    events.push(parsed.event);
  }
  return events;
}

let local: LocalStore;
let now = T0;
let notifier: RecordingNotifier;
let deps: TickDeps;

beforeEach(async () => {
  local = await openLocalStore();
  notifier = new RecordingNotifier();
  const clock = { now: () => new Date(now) };
  deps = {
    metrics: local.store,
    incidents: local.incidents,
    workflow: { start: async (name: string) => ({ executionId: name, alreadyStarted: false }) },
    clock,
    policy: DEFAULT_POLICY,
    versions: local.versions,
    notifier,
    ...localControl(local, clock),
  };
});
afterEach(async () => {
  await local.close();
});

const ingest = (events: SentinelEvent[]) =>
  local.store.applyBatch(`batch-${++sequence}`, aggregateEvents(events));
const sentAbout = (trigger: string) => notifier.sent.filter((n) => n.attributes.triggerIds === trigger);
const freshnessOf = (results: Awaited<ReturnType<typeof evaluateAndDispatch>>, version: Version) =>
  results
    .find((result) => result.evaluation.version.prompt === version.prompt)
    ?.evaluation.triggers.find((trigger) => trigger.id === 'data_freshness');

describe('data_freshness in the scheduled tick', () => {
  it('warns once when the deployed version goes quiet, and is ok again when traffic resumes', async () => {
    await ingest(classifications(NEW, 0, 20));
    now = T0 + 20 * MINUTE;
    expect(freshnessOf(await evaluateAndDispatch(deps), NEW)).toMatchObject({ outcome: 'ok', value: 0 });

    // Traffic stops: past evaluator.activeWithin it is no longer judged as active, but it is
    // still the deployed version, so its silence is judged (and only that).
    now = T0 + 20 * MINUTE + 31 * MINUTE;
    const quiet = await evaluateAndDispatch(deps);
    expect(quiet).toHaveLength(1);
    expect(quiet[0]).toMatchObject({ quiet: true, dispatch: { action: 'watch', warningsSent: 1 } });
    expect(quiet[0]?.evaluation.triggers.map((trigger) => trigger.id)).toEqual(['data_freshness']);
    expect(quiet[0]?.evaluation.decision).toBe('watch');
    expect(freshnessOf(quiet, NEW)).toMatchObject({ outcome: 'warning', value: 31 });
    expect(sentAbout('data_freshness')).toHaveLength(1);
    // NEW first took live traffic 51 minutes ago: close monitoring (48h), so the warning pages.
    expect(sentAbout('data_freshness')[0]).toMatchObject({ topic: 'pages', attributes: { severity: 'P1' } });
    expect(quiet[0]?.dispatch).toMatchObject({ paged: true });

    now += MINUTE;
    await evaluateAndDispatch(deps);
    expect(sentAbout('data_freshness')).toHaveLength(1);
    expect(await local.incidents.list()).toEqual([]);

    await ingest(classifications(NEW, 52, 53));
    now = T0 + 53 * MINUTE;
    const resumed = await evaluateAndDispatch(deps);
    expect(resumed[0]).not.toHaveProperty('quiet');
    expect(freshnessOf(resumed, NEW)).toMatchObject({ outcome: 'ok', value: 0 });
  });

  it('alerts (does not page) when the quiet version first took traffic more than 48 h ago', async () => {
    const closeMonitoring = 48 * 60;
    await ingest([
      ...classifications(NEW, 0, 0),
      ...classifications(NEW, closeMonitoring, closeMonitoring + 20),
    ]);
    now = T0 + (closeMonitoring + 20 + 31) * MINUTE;
    const quiet = await evaluateAndDispatch(deps);
    expect(quiet[0]).toMatchObject({ quiet: true, dispatch: { action: 'watch', warningsSent: 1 } });
    expect(quiet[0]?.dispatch).not.toHaveProperty('paged');
    expect(sentAbout('data_freshness')).toHaveLength(1);
    expect(sentAbout('data_freshness')[0]).toMatchObject({ topic: 'alerts', attributes: { severity: 'P2' } });
  });

  it('does not warn about a version that was replaced by a newer one', async () => {
    await ingest([...classifications(OLD, 0, 10), ...classifications(NEW, 11, 60)]);
    now = T0 + 60 * MINUTE;
    const results = await evaluateAndDispatch(deps);
    expect(results.map((result) => result.evaluation.version.prompt)).toEqual(['v2']);
    expect(sentAbout('data_freshness')).toEqual([]);
  });
});

describe('automatic triggers stuck inconclusive', () => {
  it('send one deduplicated alert per trigger after control.inconclusiveAlertAfter, not before', async () => {
    // Live traffic for three hours, but no GDS report: precision and recall cannot be judged.
    await ingest(classifications(NEW, 0, 180));
    now = T0 + 119 * MINUTE;
    await evaluateAndDispatch(deps);
    expect(notifier.sent.filter((n) => n.subject.startsWith('[Inconclusive]'))).toEqual([]);

    now = T0 + 121 * MINUTE;
    const results = await evaluateAndDispatch(deps);
    expect(results[0]?.inconclusiveAlerts).toBe(2);
    const alerts = notifier.sent.filter((n) => n.subject.startsWith('[Inconclusive]'));
    expect(alerts.map((n) => n.attributes.triggerIds).sort()).toEqual([
      'critical_precision',
      'critical_recall',
    ]);
    expect(alerts[0]).toMatchObject({ topic: 'alerts', attributes: { severity: 'P2' } });
    expect(alerts[0]?.body).toContain('for more than 2h');

    for (const minutes of [122, 150, 180]) {
      now = T0 + minutes * MINUTE;
      await evaluateAndDispatch(deps);
    }
    expect(notifier.sent.filter((n) => n.subject.startsWith('[Inconclusive]'))).toHaveLength(2);
  });
});
