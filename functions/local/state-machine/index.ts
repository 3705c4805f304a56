/**
 * The local state machine runner: the rollback definition synthesized from lib/, executed in this
 * process by aws-local-stepfunctions. `polyfills.ts` comes first: the library needs
 * `Promise.withResolvers`, which Node 20 lacks.
 */
import './polyfills.ts';

export { type AslDefinition, loadDefinition, taskSteps } from './definition.ts';
export {
  MissingTaskHandlerError,
  type PendingCallback,
  pendingCallbacks,
  type RunWorkflowOptions,
  runWorkflow,
  sendTaskFailure,
  sendTaskSuccess,
  type TaskContext,
  TaskDoesNotExistError,
  type TaskHandler,
  type TransitionEvent,
  validateDefinition,
  WaitTimeUnresolvableError,
  type WorkflowExecution,
  type WorkflowResult,
} from './runner.ts';
