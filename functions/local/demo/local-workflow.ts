import type { WorkflowDeps } from '../../commons/workflow-deps.ts';
import { make as captureState } from '../../handlers/workflow/capture-state.ts';
import { make as checkDeploy } from '../../handlers/workflow/check-deploy.ts';
import { make as chooseTarget } from '../../handlers/workflow/choose-target.ts';
import { make as complete } from '../../handlers/workflow/complete.ts';
import { make as confirmTrigger } from '../../handlers/workflow/confirm-trigger.ts';
import { make as escalate } from '../../handlers/workflow/escalate.ts';
import { make as notifyStart } from '../../handlers/workflow/notify-start.ts';
import { make as requestApproval } from '../../handlers/workflow/request-approval.ts';
import { make as revertCommit } from '../../handlers/workflow/revert-commit.ts';
import { make as verify } from '../../handlers/workflow/verify.ts';
import type { TaskHandler } from '../state-machine/index.ts';

/**
 * The workflow's Lambdas as the local runner calls them: the very handler modules the cloud
 * deploys, built with local adapters instead of the cloud ones.
 */
export function localStepHandlers(deps: WorkflowDeps): Record<string, TaskHandler> {
  const withDeps = () => deps;
  return {
    'confirm-trigger': confirmTrigger(withDeps),
    'capture-state': captureState(withDeps),
    'choose-target': chooseTarget(withDeps),
    'notify-start': notifyStart(withDeps),
    'request-approval': requestApproval(withDeps),
    'revert-commit': revertCommit(withDeps),
    'check-deploy': checkDeploy(withDeps),
    verify: verify(withDeps),
    complete: complete(withDeps),
    escalate: escalate(withDeps),
  };
}
