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
import { evaluateVersion } from '../triggers/evaluate.ts';
import type { Evaluation } from '../triggers/types.ts';
import { describeVersion } from '../version.ts';
import { reappearanceMessage } from '../versions/quarantine.ts';
import { findRecord, isWatched, type VersionRecord } from '../versions/registry.ts';
import { type DispatchResult, dispatch } from './dispatch.ts';
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
}

/**
 * One scheduled tick: judge every version seen in live traffic recently (a rolled-back version
 * stops being judged once its traffic stops) and dispatch what breaches.
 */
export async function evaluateAndDispatch(deps: TickDeps): Promise<TickResult[]> {
  const now = deps.clock.now().getTime();
  const activeSince = now - parseDuration(deps.policy.evaluator.activeWithin);
  const sightings = await deps.metrics.listVersionSightings();
  const results: TickResult[] = [];
  const records = await deps.versions.list();
  for (const sighting of sightings.filter((candidate) => candidate.lastSeen >= activeSince)) {
    const reappeared = await checkQuarantine(deps, findRecord(records, sighting.version), sighting);
    const evaluation = evaluateVersion(
      await loadEvaluationInput(deps.metrics, deps.policy, now, sighting.version),
    );
    const outcome = await dispatch(
      {
        incidents: deps.incidents,
        workflow: deps.workflow,
        clock: deps.clock,
        service: deps.policy.service,
        notifier: deps.notifier,
        notificationLog: deps.notificationLog,
        control: deps.control,
        policy: deps.policy,
      },
      evaluation,
    );
    results.push({ evaluation, dispatch: outcome, ...(reappeared ? { reappeared } : {}) });
  }
  return results;
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
