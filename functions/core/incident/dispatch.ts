import type {
  Clock,
  ControlStore,
  IncidentStore,
  NotificationLog,
  Notifier,
  WorkflowStarter,
} from '../../ports.ts';
import { parseDuration } from '../duration.ts';
import { DEFAULT_POLICY, type Policy } from '../policy.ts';
import type { Evaluation } from '../triggers/types.ts';
import { encodeKey, versionKey } from '../version.ts';
import { cooldownAlreadyPaged, cooldownHit } from './cooldown.ts';
import { executionNameFor, firedTriggers, type Incident, incidentIdFor } from './incident.ts';
import { cooldownReason, escalationMessage, warningMessage } from './messages.ts';
import { notifyOnce } from './notify-once.ts';
import { recordTransition } from './record.ts';

export interface DispatchDeps {
  incidents: IncidentStore;
  workflow: WorkflowStarter;
  clock: Clock;
  service: string;
  /**
   * Pages a cooldown breach and sends (deduplicated) warnings. Without it a cooldown breach is
   * still recorded as escalated, but nobody is told: every production wiring passes one.
   */
  notifier?: Notifier;
  /** Dedupe log for warnings; without it warnings are not sent from here. */
  notificationLog?: NotificationLog;
  /** The kill switch, read only to note it in the record (RevertCommit enforces it). */
  control?: ControlStore;
  /**
   * `control.cooldown`, `control.warningDedupe`, `prevention.closeMonitoring`; the runbook's
   * defaults when absent.
   */
  policy?: Pick<Policy, 'control'> & { prevention?: Pick<Policy['prevention'], 'closeMonitoring'> };
}

/** What dispatch knows of the judged version beyond its evaluation. */
export interface DispatchContext {
  /** When the version first took live traffic (its sighting's firstSeen), epoch ms. */
  firstSeen?: number;
}

export type DispatchResult =
  | { action: 'none'; reason: string }
  | {
      action: 'watch';
      warningsSent: number;
      warningsDeduplicated: number;
      /** The version is in close monitoring: its warnings went to `pages`. */
      paged?: boolean;
    }
  | { action: 'cooldown'; incidentId: string; paged: boolean; until: string }
  | { action: 'started' | 'already_running'; incidentId: string; executionName: string; created: boolean }
  | { action: 'already_open'; incidentId: string; status: Incident['status'] };

/** The input every rollback execution starts with (ARCHITECTURE.md §6). */
export interface WorkflowInput {
  incidentId: string;
  service: string;
  version: Incident['version'];
  decision: Incident['decision'];
  triggers: string[];
  /** A manual rollback's operator and reason. */
  request?: { by: string; reason: string };
}

export function workflowInputFor(incident: Incident): WorkflowInput {
  return {
    incidentId: incident.id,
    service: incident.service,
    version: incident.version,
    decision: incident.decision,
    triggers: incident.triggers.map((trigger) => trigger.id),
  };
}

/**
 * Turns an evaluation into at most one rollback workflow per (service, version): the incident
 * store's conditional lock picks one incident, and the execution name derived from its id makes
 * a repeated start — duplicate alarm, next schedule tick, racing invocation, retry after a crash
 * between the lock and the start — a no-op.
 */
export async function dispatch(
  deps: DispatchDeps,
  evaluation: Evaluation,
  context: DispatchContext = {},
): Promise<DispatchResult> {
  if (evaluation.decision === 'watch') return warn(deps, evaluation, context);
  if (evaluation.decision !== 'rollback' && evaluation.decision !== 'investigate') {
    return { action: 'none', reason: `decision is ${evaluation.decision}` };
  }
  const now = deps.clock.now();
  const control = deps.policy?.control ?? DEFAULT_POLICY.control;
  // Cooldown: computed from the incident store before any lock is taken, so a breach inside it
  // never starts an execution. One escalated incident (and one page) per version per cooldown.
  const recent = evaluation.decision === 'rollback' ? await deps.incidents.list(100) : [];
  const hit =
    evaluation.decision === 'rollback' ? cooldownHit(recent, deps.service, now, control.cooldown) : undefined;
  if (hit) {
    const earlier = cooldownAlreadyPaged(
      recent,
      deps.service,
      (incident) => versionKey(incident.version),
      versionKey(evaluation.version),
      hit,
    );
    if (earlier) return { action: 'cooldown', incidentId: earlier.id, paged: false, until: hit.until };
  }
  const id = incidentIdFor(deps.service, evaluation.version, now.getTime());
  const fired = firedTriggers(evaluation);
  const paused = deps.control ? (await deps.control.get()).paused : false;
  const proposed: Incident = {
    id,
    service: deps.service,
    version: evaluation.version,
    decision: evaluation.decision,
    status: 'open',
    openedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    triggers: fired,
    executionName: executionNameFor(id),
    verification: [],
    timeline: [
      {
        at: now.toISOString(),
        state: 'Detected',
        actor: 'dispatcher',
        note: `${evaluation.decision}: ${fired.map((trigger) => trigger.reason).join('; ')}${
          paused ? ' (Sentinel is paused: the workflow will record and notify, not commit)' : ''
        }`,
      },
    ],
  };
  const { created, incident } = await deps.incidents.openIncident(proposed);
  if (incident.status !== 'open') {
    return { action: 'already_open', incidentId: incident.id, status: incident.status };
  }
  if (hit) {
    // A racing dispatcher that created the incident records and pages; this one only reports.
    if (!created) return { action: 'cooldown', incidentId: incident.id, paged: false, until: hit.until };
    return refuseForCooldown(deps, incident, hit, control.cooldown);
  }
  const started = await deps.workflow.start(incident.executionName, workflowInputFor(incident));
  return {
    action: started.alreadyStarted ? 'already_running' : 'started',
    incidentId: incident.id,
    executionName: incident.executionName,
    created,
  };
}

async function refuseForCooldown(
  deps: DispatchDeps,
  incident: Incident,
  hit: NonNullable<ReturnType<typeof cooldownHit>>,
  cooldown: string,
): Promise<DispatchResult> {
  const now = deps.clock.now();
  const reason = cooldownReason(hit.lastIncidentId, hit.lastCommittedAt, cooldown);
  const escalated = await recordTransition(
    deps.incidents,
    incident.id,
    now,
    { state: 'Cooldown', actor: 'dispatcher', note: `${reason}; paging instead`, status: 'escalated' },
    () => ({
      outcome: 'escalated' as const,
      escalation: { reason, at: now.toISOString() },
      cooldown: hit,
    }),
  );
  if (deps.notifier) await deps.notifier.publish(escalationMessage(escalated, reason));
  await deps.incidents.releaseLock(escalated);
  return {
    action: 'cooldown',
    incidentId: incident.id,
    paged: deps.notifier !== undefined,
    until: hit.until,
  };
}

/**
 * Close monitoring (runbook step 9): the version first took live traffic less than
 * `prevention.closeMonitoring` ago. Undefined when its first sighting is unknown or older.
 */
export function closeMonitoringOf(
  deps: Pick<DispatchDeps, 'policy' | 'clock'>,
  context: DispatchContext,
): { firstSeen: number; span: string } | undefined {
  if (context.firstSeen === undefined) return undefined;
  const span = deps.policy?.prevention?.closeMonitoring ?? DEFAULT_POLICY.prevention.closeMonitoring;
  const age = deps.clock.now().getTime() - context.firstSeen;
  return age < parseDuration(span) ? { firstSeen: context.firstSeen, span } : undefined;
}

/**
 * Decision watch: one notification per trigger in warning and version, at most once per dedupe
 * span; an alert, or a page while the version is in close monitoring.
 */
async function warn(
  deps: DispatchDeps,
  evaluation: Evaluation,
  context: DispatchContext,
): Promise<DispatchResult> {
  if (!deps.notifier || !deps.notificationLog)
    return { action: 'watch', warningsSent: 0, warningsDeduplicated: 0 };
  const every = deps.policy?.control.warningDedupe ?? DEFAULT_POLICY.control.warningDedupe;
  const close = closeMonitoringOf(deps, context);
  let sent = 0;
  let deduplicated = 0;
  for (const trigger of evaluation.triggers.filter((candidate) => candidate.outcome === 'warning')) {
    const result = await notifyOnce(
      { notifier: deps.notifier, log: deps.notificationLog, clock: deps.clock },
      warningMessage(deps.service, evaluation.version, trigger, close),
      encodeKey([
        'warning',
        deps.service,
        trigger.id,
        evaluation.version.model,
        evaluation.version.modelVersion,
        evaluation.version.prompt,
      ]),
      every,
      { dedupePages: true },
    );
    if (result.sent) sent += 1;
    else deduplicated += 1;
  }
  return {
    action: 'watch',
    warningsSent: sent,
    warningsDeduplicated: deduplicated,
    ...(close ? { paged: true } : {}),
  };
}
