import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { WorkflowStep } from './workflow/definition.ts';

/** The DynamoDB item actions the adapters (functions/adapters/dynamodb-*.ts) send. */
export type DynamoAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:Query';

/** Every Lambda of the stack that touches the table: the four entry Lambdas and the workflow steps. */
export type TableUser = 'ingest' | 'evaluator' | 'dispatcher' | 'approval' | WorkflowStep;

/**
 * The scheduled evaluator and the alarm-woken dispatcher run the same tick,
 * `evaluateAndDispatch` (functions/core/incident/evaluate-and-dispatch.ts).
 */
const TICK: readonly DynamoAction[] = [
  // metrics.listVersionSightings, versions.list (registry), loadEvaluationInput's readBuckets /
  // readHourRollups / readGdsReports, incidents.list (cooldown): queryAllItems.
  'dynamodb:Query',
  // control.get (kill switch); incidents.openIncident (lock holder, record); recordTransition's
  // loadIncident (quarantine note, cooldown refusal).
  'dynamodb:GetItem',
  // incidents.openIncident (lock and record, put-if-absent); recordTransition's incidents.save;
  // notificationLog.claim (warning dedupe).
  'dynamodb:PutItem',
  // versions.claimReappearance and its extendReappearance (quarantine page once per re-appearance).
  'dynamodb:UpdateItem',
  // incidents.releaseLock (cooldown refusal); notificationLog.release (a warning whose publish failed).
  'dynamodb:DeleteItem',
];

/**
 * Exactly the item actions each Lambda's code can send, traced from its entry
 * (functions/handlers/**) through the core functions it calls to the DynamoDB adapters. Nothing
 * scans, batch-writes or reads a stream (the table has none). `recordTransition`
 * (functions/core/incident/record.ts) is a GetItem (loadIncident) then a conditional PutItem
 * (incidents.save). Granted with `grantTableAccess`; test/infra/table-access.test.ts checks that
 * each role holds exactly its list. A new adapter call needs its action here, or it fails with
 * AccessDenied — in the cloud and in the local run, which enforces the same statements.
 */
export const TABLE_ACCESS: Readonly<Record<TableUser, readonly DynamoAction[]>> = {
  // handlers/ingest.ts → ingestBatch → metrics.applyBatch: bucket and hourly-rollup ADDs and the
  // sighting bounds are conditional UpdateItems; GDS reports are put-if-absent PutItems.
  ingest: ['dynamodb:UpdateItem', 'dynamodb:PutItem'],
  evaluator: TICK,
  dispatcher: TICK,
  // handlers/approval.ts: GET reads nothing (the link is verified from its own fields); POST →
  // answerByLink → loadIncident (GetItem), then the answer as one conditional PutItem guarded on the
  // item's approvalNonce / approvalDecidedAt / updatedAt, and the resume outcome (GetItem, PutItem).
  approval: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  // confirmTrigger: loadEvaluationInput (Query); recordTransition (GetItem, PutItem);
  // incidents.releaseLock when the trigger no longer breaches (DeleteItem).
  'confirm-trigger': ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
  // captureState: loadEvaluationInput (Query); recordTransition with the snapshot (GetItem, PutItem).
  'capture-state': ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem'],
  // chooseTarget: loadIncident (GetItem); versions.list and, for procedure B, the GDS gate's
  // readGdsReports (Query); versions.markStable for a `*-stable` tag candidate (UpdateItem);
  // recordTransition (GetItem, PutItem).
  'choose-target': ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:PutItem'],
  // notifyStart: loadIncident, recordTransition (GetItem, PutItem).
  'notify-start': ['dynamodb:GetItem', 'dynamodb:PutItem'],
  // requestApproval: recordTransition parking the task token (GetItem, PutItem).
  'request-approval': ['dynamodb:GetItem', 'dynamodb:PutItem'],
  // revertCommitUnlessPaused: control.get and loadIncident (GetItem); procedure B's GDS gate
  // readGdsReports (Query); recordTransition (GetItem, PutItem).
  'revert-commit': ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
  // checkDeploy: metrics.listVersionSightings (Query); recordTransition (GetItem, PutItem).
  'check-deploy': ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem'],
  // verify: loadIncident (GetItem); readBuckets and readGdsReports since the deploy (Query);
  // recordTransition with the stage result (GetItem, PutItem).
  verify: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
  // complete: recordTransition twice (GetItem, PutItem); draftRca's readBuckets (Query);
  // versions.markRolledBack and markStable (UpdateItem); incidents.releaseLock (DeleteItem).
  complete: [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
  // escalate: loadIncident for the page, recordTransition (GetItem, PutItem); incidents.releaseLock (DeleteItem).
  escalate: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
};

/** Grants `grantee` exactly `TABLE_ACCESS[user]` on `table` (the table itself: it has no indexes). */
export function grantTableAccess(table: ITable, grantee: IGrantable, user: TableUser): void {
  table.grant(grantee, ...TABLE_ACCESS[user]);
}
