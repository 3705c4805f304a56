import type { IncidentStore, SaveGuard } from '../../ports.ts';
import { SentinelError } from '../errors.ts';
import type { ApprovalResume, Incident } from '../incident/incident.ts';
import { loadIncident } from '../incident/record.ts';
import { approvalNonce } from './link.ts';

/** The request is not waiting (any more), was answered, or the link is for an earlier request. */
export class ApprovalStateError extends SentinelError {
  override readonly name = 'ApprovalStateError';
}

export interface ApprovalAnswer {
  approved: boolean;
  by: string;
  note: string;
}

type Approval = NonNullable<Incident['approval']>;

export function pendingNonce(approval: Approval): string {
  return approval.nonce ?? approvalNonce(approval.taskToken);
}

export function alreadyAnswered(incident: Incident): ApprovalStateError {
  const approval = incident.approval;
  return new ApprovalStateError(
    `incident ${incident.id} was already answered (${approval?.approved ? 'approved' : 'rejected'} by ${approval?.by} at ${approval?.decidedAt})`,
  );
}

/** The store's answer when a conditional save lost (adapters' IncidentConflictError). */
export const isConflict = (error: unknown) =>
  error instanceof Error && error.name === 'IncidentConflictError';

/**
 * Saves `updated` in place of `read`, guarded; undefined when another writer got there first, so the
 * caller re-reads and judges the new state (which names the winner).
 */
export async function saveUnlessRaced(
  incidents: IncidentStore,
  updated: Incident,
  read: Incident,
  guard?: SaveGuard,
): Promise<Incident | undefined> {
  try {
    await incidents.save(updated, read.updatedAt, guard);
    return updated;
  } catch (error) {
    if (isConflict(error)) return undefined;
    throw error;
  }
}

/** Re-reads up to this often when a write lost a race; far more than any real race needs. */
const RACE_ATTEMPTS = 8;

/**
 * Runs `step` on a fresh read until it stops losing races (returns a value, or throws a verdict).
 * Each step decides from the record it read and writes conditionally on that same read.
 */
export async function onFreshRecord<T>(
  incidents: IncidentStore,
  id: string,
  step: (incident: Incident) => Promise<T | undefined>,
): Promise<T> {
  for (let attempt = 0; attempt < RACE_ATTEMPTS; attempt += 1) {
    const result = await step(await loadIncident(incidents, id));
    if (result !== undefined) return result;
  }
  throw new ApprovalStateError(
    `incident ${id} kept changing while the answer was recorded; reload to see the outcome`,
  );
}

function later(now: Date, after: string): string {
  const at = now.toISOString();
  return at > after ? at : new Date(Date.parse(after) + 1).toISOString();
}

/**
 * The record with the answer in it: the request marked decided (and, for a link, `resuming`),
 * one timeline entry. Saved with the pending-approval guard, it is the one write that both checks
 * "still this request, still unanswered" and records the answer.
 */
export function withAnswer(
  incident: Incident,
  now: Date,
  answer: ApprovalAnswer,
  resume?: ApprovalResume,
): Incident {
  const approval = incident.approval as Approval;
  const at = now.toISOString();
  return {
    ...incident,
    approval: {
      ...approval,
      nonce: pendingNonce(approval),
      decidedAt: at,
      ...answer,
      ...(resume ? { resume } : {}),
    },
    status: answer.approved ? 'reverting' : incident.status,
    updatedAt: later(now, incident.updatedAt),
    timeline: [
      ...incident.timeline,
      {
        at,
        state: answer.approved ? 'Approved' : 'Rejected',
        actor: answer.by,
        note: answer.note || (answer.approved ? 'rollback approved' : 'rollback rejected'),
      },
    ],
  };
}

/** A change of the resume state, with a timeline entry when it is news for a person. */
export function withResume(
  incident: Incident,
  now: Date,
  resume: ApprovalResume,
  entry?: { state: string; note: string },
): Incident {
  const approval = incident.approval as Approval;
  return {
    ...incident,
    approval: { ...approval, resume },
    updatedAt: later(now, incident.updatedAt),
    timeline: entry
      ? [...incident.timeline, { at: now.toISOString(), actor: approval.by ?? 'approval-link', ...entry }]
      : incident.timeline,
  };
}
