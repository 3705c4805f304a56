import { createHash } from 'node:crypto';
import type { Evaluation, TriggerResult } from '../triggers/types.ts';
import { type Version, versionKey } from '../version.ts';

export type Procedure = 'A' | 'B' | 'C';

export type IncidentStatus =
  | 'open'
  | 'awaiting_approval'
  | 'reverting'
  | 'deploying'
  | 'verifying'
  | 'completed'
  | 'escalated'
  | 'dropped'
  | 'rejected'
  /** Ended by a person (`sentinel incident close`), e.g. a manual rollback with no verification. */
  | 'closed';

/** Statuses after which a new incident may open for the same version. */
export const CLOSED_STATUSES: readonly IncidentStatus[] = [
  'completed',
  'escalated',
  'dropped',
  'rejected',
  'closed',
];

export interface TimelineEntry {
  at: string;
  /** Workflow state or action, e.g. "ConfirmTrigger", "approved". */
  state: string;
  /** Who or what acted: "dispatcher", "workflow", "alice@cli"… */
  actor: string;
  note: string;
}

export interface RollbackTarget {
  version: Version;
  /** Git ref (tag or sha) of the stable version. */
  ref: string;
  procedure: Procedure;
  /** Seconds each verification stage waits, by procedure (A 30 min, B 1 h, C 2 h immediate stage). */
  timing: { immediateSeconds: number; shortTermSeconds: number; longTermSeconds: number };
}

export interface RevertRecord {
  sha: string;
  url?: string;
  branch: string;
  alreadyDone: boolean;
  pullRequestUrl?: string;
  dryRun: boolean;
  committedAt: string;
}

export type CheckOutcome = 'pass' | 'fail' | 'inconclusive';

export interface VerificationCheck {
  id: string;
  outcome: CheckOutcome;
  value: number | null;
  threshold: number;
  samples: number;
  reason: string;
  /** Wilson score interval of `value` (policy statistics.confidence), on rate checks with data. */
  interval?: [number, number];
}

export interface StageResult {
  stage: 'immediate' | 'short_term' | 'long_term';
  outcome: CheckOutcome;
  checks: VerificationCheck[];
  at: string;
  attempt: number;
}

/**
 * An answer is recorded before the execution is resumed with it: `resuming` until SendTaskSuccess
 * returns, then `resumed`; `failed` (retrying the same link tries again) or `gone` (the execution
 * no longer waits for this token: timed out or finished).
 */
export interface ApprovalResume {
  state: 'resuming' | 'resumed' | 'failed' | 'gone';
  at: string;
  error?: string;
}

/** The incident record (ARCHITECTURE.md §7). */
export interface Incident {
  id: string;
  service: string;
  version: Version;
  /** `manual`: a person asked for the rollback (`sentinel rollback`), see `request`. */
  decision: 'rollback' | 'investigate' | 'manual';
  /** Who asked for a manual rollback, and why. */
  request?: { by: string; reason: string; at: string };
  status: IncidentStatus;
  openedAt: string;
  updatedAt: string;
  /** Triggers that fired, with values, at detection. */
  triggers: TriggerResult[];
  executionName: string;
  snapshot?: Evaluation;
  target?: RollbackTarget;
  revert?: RevertRecord;
  deployedAt?: string;
  verification: StageResult[];
  outcome?: 'completed' | 'escalated' | 'dropped' | 'rejected' | 'closed';
  /** Who closed it by hand, and why. */
  closure?: { by: string; reason: string; at: string };
  escalation?: { reason: string; at: string };
  /** Set when the cooldown stopped this incident's automatic rollback (ARCHITECTURE.md §6). */
  cooldown?: { lastIncidentId: string; lastCommittedAt: string; until: string };
  /** Unified diff of the version file made by the rollback commit. */
  versionFileDiff?: string;
  /** The approval request of a manual trigger: the task token a person's answer resumes. */
  approval?: {
    taskToken: string;
    /**
     * Names this request in its signed links (approvalNonce of the token); absent on records
     * written before links carried it, where it is derived from the token.
     */
    nonce?: string;
    requestedAt: string;
    /** When the request expires (the workflow's approval timeout). */
    expiresAt?: string;
    decidedAt?: string;
    approved?: boolean;
    by?: string;
    note?: string;
    /** How resuming the execution with the answer went (answers through the approval endpoint). */
    resume?: ApprovalResume;
  };
  /** The RCA draft and its chart, written when the incident closes. */
  rca?: { markdown: string; chartSvg: string; chartFile: string };
  timeline: TimelineEntry[];
}

/**
 * Incident ids are derived from service, version and the minute of detection, so the same
 * breach seen twice in one minute (duplicate alarm, racing dispatcher) gets the same id.
 */
export function incidentIdFor(service: string, version: Version, detectedAt: number): string {
  const minute = new Date(Math.floor(detectedAt / 60_000) * 60_000).toISOString();
  const digest = createHash('sha256')
    .update(`${service}\n${versionKey(version)}\n${minute}`)
    .digest('hex')
    .slice(0, 10);
  return `inc-${minute.slice(0, 16).replace(/[-:]/g, '').replace('T', '-')}-${digest}`;
}

/** Step Functions execution names allow 80 characters of [A-Za-z0-9-_]. */
export function executionNameFor(incidentId: string): string {
  return `rollback-${incidentId}`.replace(/[^A-Za-z0-9-_]/g, '-').slice(0, 80);
}

export function firedTriggers(evaluation: Evaluation): TriggerResult[] {
  return evaluation.triggers.filter((trigger) => trigger.outcome === 'breach');
}

export function isClosed(incident: Pick<Incident, 'status'>): boolean {
  return CLOSED_STATUSES.includes(incident.status);
}
