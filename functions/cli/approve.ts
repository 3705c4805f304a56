import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SentinelError } from '../core/errors.ts';
import { type ApprovalAnswer, answerApproval } from '../core/workflow/approval.ts';
import { PENDING_APPROVALS_DIR, storeHolder } from '../local/control.ts';
import { openLocalStore } from '../local/local-store.ts';

const systemClock = { now: () => new Date() };

export type ApprovalOutcome =
  | { recorded: 'store'; incidentId: string; answer: ApprovalAnswer }
  | { recorded: 'handed-over'; incidentId: string; answer: ApprovalAnswer; file: string };

/**
 * `sentinel approve|reject ID`: records the answer through `answerApproval` (refused when the
 * incident is not waiting, was answered already, or the request expired). The local workflow runs
 * inside the process that started it (`sentinel demo`), which holds the store: then the answer is
 * handed over in `<state-dir>/pending-approvals/<id>.json`, and that process records it through the
 * same `answerApproval` and resumes its execution.
 */
export async function answerLocally(
  stateDir: string,
  incidentId: string,
  answer: ApprovalAnswer,
): Promise<ApprovalOutcome> {
  if ((await storeHolder(stateDir)) !== undefined) {
    const folder = join(stateDir, PENDING_APPROVALS_DIR);
    await mkdir(folder, { recursive: true });
    const file = join(folder, `${incidentId}.json`);
    await writeFile(file, `${JSON.stringify(answer)}\n`, { flag: 'wx' }).catch(
      (cause: NodeJS.ErrnoException) => {
        if (cause.code === 'EEXIST')
          throw new SentinelError(`an answer for ${incidentId} is already waiting to be picked up (${file})`);
        throw cause;
      },
    );
    return { recorded: 'handed-over', incidentId, answer, file };
  }
  const local = await openLocalStore(stateDir);
  try {
    await answerApproval({ incidents: local.incidents, clock: systemClock }, incidentId, answer);
    return { recorded: 'store', incidentId, answer };
  } finally {
    await local.close();
  }
}

export function describeApproval(outcome: ApprovalOutcome): string {
  const verb = outcome.answer.approved ? 'approved' : 'rejected';
  return outcome.recorded === 'store'
    ? `${outcome.incidentId} ${verb} by ${outcome.answer.by}; recorded. A workflow waiting in another process ` +
        'resumes only if that process watches this store (sentinel demo does).'
    : `${outcome.incidentId} ${verb} by ${outcome.answer.by}; the store is held by a running sentinel demo, ` +
        `so the answer was handed over in ${outcome.file} — the demo records it and resumes the workflow.`;
}
