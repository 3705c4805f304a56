import type { Clock, IncidentStore } from '../../ports.ts';
import { SentinelError } from '../errors.ts';
import type { Incident } from '../incident/incident.ts';
import {
  type ApprovalAnswer,
  ApprovalStateError,
  alreadyAnswered,
  onFreshRecord,
  pendingNonce,
  saveUnlessRaced,
  withAnswer,
  withResume,
} from './answer.ts';
import type { SigningKeys } from './keys.ts';
import { type ApprovalLinkParams, verifyApproval } from './link.ts';
import { type Resume, type ResumeResult, resumeWithRetries } from './resume.ts';

export interface LinkAnswerDeps {
  incidents: IncidentStore;
  clock: Clock;
  resume: Resume;
  sleep: (ms: number) => Promise<void>;
}

/** The execution no longer waits for this request (it timed out, or the workflow went on). */
export class ApprovalGoneError extends SentinelError {
  override readonly name = 'ApprovalGoneError';
}

/** The answer is recorded but the execution could not be resumed with it; the same link retries. */
export class ResumeFailedError extends SentinelError {
  override readonly name = 'ResumeFailedError';
}

/**
 * A `resuming` claim this old belongs to an attempt that died (the approval Lambda times out after
 * 30 s): the same link may then try again. Younger, another request is resuming right now.
 */
export const RESUME_CLAIM_TTL_MS = 2 * 60_000;

const gone = (incident: Incident) =>
  new ApprovalGoneError(
    `The rollback workflow of incident ${incident.id} no longer waits for this answer (the request timed out or the workflow went on). ` +
      'Use the newest approval email, or see sentinel incidents.',
  );

/**
 * The approval endpoint's core. The link is checked first, from its own fields, before anything is
 * read (a forged link learns nothing). Then the answer is recorded by one conditional write, so of
 * any number of racing answers exactly one lands; only the winner resumes the execution, with
 * bounded retries. An answer whose resume failed can be retried by following the same link; the
 * other decision, or any answer to a resumed request, is refused.
 */
export async function answerByLink(
  deps: LinkAnswerDeps,
  keys: SigningKeys,
  params: ApprovalLinkParams,
): Promise<{ answer: ApprovalAnswer; retried: boolean }> {
  verifyApproval(keys, params, deps.clock.now().getTime());
  const answer: ApprovalAnswer = {
    approved: params.decision === 'approve',
    by: 'approval-link',
    note: `${params.decision === 'approve' ? 'approved' : 'rejected'} through the signed link`,
  };
  const claim = await onFreshRecord(deps.incidents, params.incident, (incident) =>
    claimResume(deps, incident, params, answer),
  );
  const result = await resumeWithRetries(deps, claim.taskToken, answer);
  const incident = await onFreshRecord(deps.incidents, params.incident, (current) =>
    recordResume(deps, current, params.nonce, result),
  );
  if (!result.ok && result.failure === 'gone') throw gone(incident);
  if (!result.ok)
    throw new ResumeFailedError(
      `The answer for incident ${params.incident} is recorded, but the workflow could not resume (${result.error}). ` +
        'Follow the same link again in a minute to retry; if it fails again, page the on-call.',
    );
  return { answer, retried: claim.retried };
}

/** Decides from one read and writes on that same read: the answer itself, or a retry's claim. */
async function claimResume(
  deps: LinkAnswerDeps,
  incident: Incident,
  params: ApprovalLinkParams,
  answer: ApprovalAnswer,
): Promise<{ taskToken: string; retried: boolean } | undefined> {
  const approval = incident.approval;
  if (!approval || (!approval.decidedAt && incident.status !== 'awaiting_approval'))
    throw new ApprovalStateError(`incident ${incident.id} is ${incident.status}, not awaiting approval`);
  if (pendingNonce(approval) !== params.nonce)
    throw new ApprovalStateError(
      `this link is for an earlier approval request of incident ${incident.id}; use the newest email`,
    );
  const now = deps.clock.now();
  const resuming = { state: 'resuming', at: now.toISOString() } as const;
  if (!approval.decidedAt) {
    const saved = await saveUnlessRaced(
      deps.incidents,
      withAnswer(incident, now, answer, resuming),
      incident,
      {
        pendingApproval: params.nonce,
      },
    );
    return saved && { taskToken: approval.taskToken, retried: false };
  }
  const resume = approval.resume;
  if (approval.approved !== answer.approved || !resume || resume.state === 'resumed' || movedOn(incident))
    throw alreadyAnswered(incident);
  if (resume.state === 'gone') throw gone(incident);
  if (resume.state === 'resuming' && now.getTime() - Date.parse(resume.at) < RESUME_CLAIM_TTL_MS)
    throw new ApprovalStateError(`${alreadyAnswered(incident).message}; the workflow is being resumed`);
  const saved = await saveUnlessRaced(deps.incidents, withResume(incident, now, resuming), incident);
  return saved && { taskToken: approval.taskToken, retried: true };
}

/** The workflow wrote to the record after the answer: it has resumed, whatever the mark says. */
function movedOn(incident: Incident): boolean {
  const decidedAt = incident.approval?.decidedAt;
  const answeredAt = incident.timeline.findLastIndex((entry) => entry.at === decidedAt);
  return incident.timeline.slice(answeredAt + 1).some((entry) => entry.actor === 'workflow');
}

async function recordResume(
  deps: LinkAnswerDeps,
  incident: Incident,
  nonce: string,
  result: ResumeResult,
): Promise<Incident | undefined> {
  const approval = incident.approval;
  // A reminder replaced the request, or another attempt settled it: nothing of ours to mark.
  if (!approval || pendingNonce(approval) !== nonce || approval.resume?.state !== 'resuming') return incident;
  const now = deps.clock.now();
  const at = now.toISOString();
  if (result.ok) {
    // Advisory, and deliberately without a new updatedAt: the resumed workflow writes this record
    // at once, conditionally on the updatedAt it read, and must never lose that race to us (a
    // conflict there escalates). If the workflow wrote first, its entries prove the resume.
    const marked = { ...withResume(incident, now, { state: 'resumed', at }), updatedAt: incident.updatedAt };
    return (await saveUnlessRaced(deps.incidents, marked, incident)) ?? incident;
  }
  const updated =
    result.failure === 'gone'
      ? withResume(
          incident,
          now,
          { state: 'gone', at, error: result.error },
          {
            state: 'ResumeGone',
            note: `the execution no longer waits for this answer: ${result.error}`,
          },
        )
      : withResume(
          incident,
          now,
          { state: 'failed', at, error: result.error },
          {
            state: 'ResumeFailed',
            note: `could not resume the workflow after ${result.attempts} attempt(s): ${result.error}; following the same link again retries`,
          },
        );
  return saveUnlessRaced(deps.incidents, updated, incident);
}
