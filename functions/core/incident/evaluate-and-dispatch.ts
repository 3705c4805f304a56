import type {
  Clock,
  ControlStore,
  IncidentStore,
  MetricsStore,
  NotificationLog,
  Notifier,
  VersionRegistry,
  WorkflowStarter,
} from '../../ports.ts';
import type { VersionSighting } from '../aggregate.ts';
import { parseDuration } from '../duration.ts';
import { loadEvaluationInput } from '../evaluation-input.ts';
import type { Policy } from '../policy.ts';
import { decide } from '../triggers/decide.ts';
import { EVALUATORS, evaluateVersion } from '../triggers/evaluate.ts';
import type { Evaluation, EvaluationInput } from '../triggers/types.ts';
import { describeVersion, encodeKey } from '../version.ts';
import { reappearanceMessage } from '../versions/quarantine.ts';
import { findRecord, isWatched, type VersionRecord } from '../versions/registry.ts';
import { type DispatchDeps, type DispatchResult, dispatch } from './dispatch.ts';
import { inconclusiveMessage } from './messages.ts';
import { notifyOnce } from './notify-once.ts';
import { recordTransition } from './record.ts';

export interface TickDeps {
  metrics: MetricsStore;
  incidents: IncidentStore;
  workflow: WorkflowStarter;
  clock: Clock;
  policy: Policy;
  /** A rolled-back version back in live traffic pages at once (quarantine). */
  versions: VersionRegistry;
  /** Quarantine and cooldown pages, deduplicated warnings. */
  notifier: Notifier;
  notificationLog: NotificationLog;
  control: ControlStore;
}

export interface TickResult {
  evaluation: Evaluation;
  dispatch: DispatchResult;
  /** This tick paged because the version, rolled back earlier, is in live traffic again. */
  reappeared?: boolean;
  /** The deployed version has gone quiet: judged for data_freshness alone. */
  quiet?: boolean;
  /** Alerts sent for automatic triggers inconclusive longer than `control.inconclusiveAlertAfter`. */
  inconclusiveAlerts?: number;
}

/**
 * One scheduled tick: judge every version seen in live traffic recently (a rolled-back version
 * stops being judged once its traffic stops) and dispatch what breaches. The deployed version —
 * the one most recently seen live — is judged for data_freshness even after it goes quiet, since
 * its silence is exactly what that trigger reports; nothing else is dispatched for it then.
 */
export async function evaluateAndDispatch(deps: TickDeps): Promise<TickResult[]> {
  const now = deps.clock.now().getTime();
  const activeSince = now - parseDuration(deps.policy.evaluator.activeWithin);
  const sightings = await deps.metrics.listVersionSightings();
  const results: TickResult[] = [];
  const records = await deps.versions.list();
  for (const sighting of sightings.filter((candidate) => candidate.lastSeen >= activeSince)) {
    const reappeared = await checkQuarantine(deps, findRecord(records, sighting.version), sighting);
    const input = await loadEvaluationInput(deps.metrics, deps.policy, now, sighting.version, sightings);
    const evaluation = evaluateVersion(input);
    // Close monitoring counts from the version's first live traffic (runbook step 9).
    const outcome = await dispatch(dispatchDeps(deps), evaluation, { firstSeen: sighting.firstSeen });
    const alerts = await alertLongInconclusive(deps, input, evaluation, sighting);
    results.push({
      evaluation,
      dispatch: outcome,
      ...(reappeared ? { reappeared } : {}),
      ...(alerts > 0 ? { inconclusiveAlerts: alerts } : {}),
    });
  }
  const deployed = sightings[0];
  // A rolled-back version's silence is the rollback working, not stale data.
  if (deployed && deployed.lastSeen < activeSince && !isWatched(findRecord(records, deployed.version))) {
    const input = await loadEvaluationInput(deps.metrics, deps.policy, now, deployed.version, sightings);
    const full = evaluateVersion(input);
    const triggers = full.triggers.filter((trigger) => trigger.id === 'data_freshness');
    const evaluation: Evaluation = { ...full, triggers, decision: decide(triggers) };
    const outcome = await dispatch(dispatchDeps(deps), evaluation, { firstSeen: deployed.firstSeen });
    results.push({ evaluation, dispatch: outcome, quiet: true });
  }
  return results;
}

function dispatchDeps(deps: TickDeps): DispatchDeps {
  return {
    incidents: deps.incidents,
    workflow: deps.workflow,
    clock: deps.clock,
    service: deps.policy.service,
    notifier: deps.notifier,
    notificationLog: deps.notificationLog,
    control: deps.control,
    policy: deps.policy,
  };
}

/**
 * Automatic triggers that have been inconclusive on this version for longer than
 * `control.inconclusiveAlertAfter` send one alert (notification log), instead of staying silent
 * while they cannot roll anything back. "Stayed inconclusive" is checked at the start of that
 * span and at every GDS report within it: the GDS triggers' outcome changes only when a report
 * arrives (ages out, it turns inconclusive), so between those instants it cannot have been judged.
 * The version must have been live for the whole span. The dedupe key holds the version's newest
 * report, so new data that leaves the trigger inconclusive again starts a new episode.
 */
async function alertLongInconclusive(
  deps: TickDeps,
  input: EvaluationInput,
  evaluation: Evaluation,
  sighting: VersionSighting,
): Promise<number> {
  const { notifier, notificationLog } = deps;
  if (!notifier || !notificationLog) return 0;
  const span = deps.policy.control.inconclusiveAlertAfter;
  const spanStart = input.at - parseDuration(span);
  if (sighting.firstSeen > spanStart) return 0;
  const stuck = evaluation.triggers.filter(
    (trigger) => trigger.kind === 'automatic' && trigger.outcome === 'inconclusive',
  );
  if (stuck.length === 0) return 0;
  const reports = input.gdsReports.filter((report) => report.ts > spanStart && report.ts < input.at);
  const checkpoints = [spanStart, ...reports.map((report) => report.ts)];
  const newestReport = [...input.gdsReports].sort((a, b) => b.ts - a.ts)[0]?.id ?? 'none';
  let sent = 0;
  for (const trigger of stuck) {
    const stayed = checkpoints.every(
      (at) =>
        EVALUATORS[trigger.id]({
          ...input,
          at,
          buckets: input.buckets.filter((bucket) => bucket.minute <= at),
          latencyMinutes: undefined,
        }).outcome === 'inconclusive',
    );
    if (!stayed) continue;
    const { version } = evaluation;
    const result = await notifyOnce(
      { notifier, log: notificationLog, clock: deps.clock },
      inconclusiveMessage(deps.policy.service, version, trigger, span),
      encodeKey([
        'inconclusive',
        deps.policy.service,
        trigger.id,
        version.model,
        version.modelVersion,
        version.prompt,
        newestReport,
      ]),
      // One alert per episode: the key changes with the data, the claim outlives any episode.
      '366d',
    );
    if (result.sent) sent += 1;
  }
  return sent;
}

/**
 * Quarantine (ARCHITECTURE.md §6): a version the registry holds as rolled back or quarantined
 * that is active again was redeployed. The registry's conditional claim makes it one page per
 * re-appearance however many ticks (or racing evaluators) see it; traffic that resumes after a
 * quiet spell longer than `evaluator.activeWithin` is a new re-appearance. The incident that
 * rolled it back gets a timeline entry.
 */
async function checkQuarantine(
  deps: TickDeps,
  record: VersionRecord | undefined,
  sighting: VersionSighting,
): Promise<boolean> {
  if (!record || !isWatched(record)) return false;
  const now = deps.clock.now();
  const gapMs = parseDuration(deps.policy.evaluator.activeWithin);
  if (!(await deps.versions.claimReappearance(record.version, sighting.lastSeen, gapMs, now))) return false;
  await deps.notifier.publish(reappearanceMessage(record, sighting));
  if (record.rolledBackBy) {
    await recordTransition(deps.incidents, record.rolledBackBy, now, {
      state: 'QuarantineBreached',
      actor: 'evaluator',
      note: `${describeVersion(record.version)} is in live traffic again (last seen ${new Date(sighting.lastSeen).toISOString()}): paged`,
    });
  }
  return true;
}
