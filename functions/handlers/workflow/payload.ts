import * as z from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { versionSchema } from '../../core/version.ts';
import type { WorkflowState } from '../../core/workflow/state.ts';

/** The execution input every state carries; step results ride along untouched. */
const workflowStateSchema = z.looseObject({
  incidentId: z.string().min(1),
  service: z.string().min(1),
  version: versionSchema,
  decision: z.enum(['rollback', 'investigate', 'manual']),
  triggers: z.array(z.string()),
  /** A manual rollback's operator and reason (`sentinel rollback`). */
  request: z.object({ by: z.string().min(1).max(200), reason: z.string().min(1).max(2000) }).optional(),
});

export function parseState(payload: unknown): WorkflowState {
  const parsed = workflowStateSchema.safeParse(payload);
  if (!parsed.success) {
    throw new ValidationError(
      'workflow state is malformed',
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(state)'}: ${issue.message}`),
    );
  }
  return parsed.data as unknown as WorkflowState;
}

const stagePayloadSchema = z.object({
  stage: z.enum(['immediate', 'short_term', 'long_term']),
  state: z.unknown(),
});
const outcomePayloadSchema = z.object({ outcome: z.enum(['completed', 'rejected']), state: z.unknown() });
const approvalPayloadSchema = z.object({
  taskToken: z.string().min(1),
  state: z.unknown(),
  reminder: z.boolean().optional(),
});

function parseWith<T>(schema: z.ZodType<T>, payload: unknown, what: string): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    throw new ValidationError(
      `${what} payload is malformed`,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`),
    );
  }
  return parsed.data;
}

export const parseStagePayload = (payload: unknown) => parseWith(stagePayloadSchema, payload, 'verify');
export const parseOutcomePayload = (payload: unknown) => parseWith(outcomePayloadSchema, payload, 'complete');
export const parseApprovalPayload = (payload: unknown) =>
  parseWith(approvalPayloadSchema, payload, 'request-approval');
