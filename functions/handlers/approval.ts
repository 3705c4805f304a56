/**
 * The approval endpoint (Lambda Function URL, auth NONE): a person follows the signed link from
 * the approval email. GET shows a confirmation page and changes nothing (mail scanners prefetch
 * links; a prefetch must not spend the single-use token); the page's button POSTs the same signed
 * fields, which records the answer once and resumes the workflow with SendTaskSuccess.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { signingKeyFromEnv } from '../commons/approval-links.ts';
import { sfnClient } from '../commons/clients/sfn.ts';
import { systemClock } from '../commons/env.ts';
import { logger } from '../commons/logger.ts';
import { incidentStoreFromEnv } from '../commons/table.ts';
import { ApprovalStateError } from '../core/approval/answer.ts';
import { ApprovalGoneError, answerByLink, ResumeFailedError } from '../core/approval/by-link.ts';
import { parseSigningKeys } from '../core/approval/keys.ts';
import { ApprovalLinkError, type ApprovalLinkParams, verifyApproval } from '../core/approval/link.ts';
import type { Resume } from '../core/approval/resume.ts';
import { IncidentNotFoundError } from '../core/incident/record.ts';
import type { Clock, IncidentStore } from '../ports.ts';

export interface ApprovalEndpointDeps {
  incidents: IncidentStore;
  clock: Clock;
  /** The signing secret's value: a key, or `{"current", "previous"}` during a rotation. */
  signingKey: () => Promise<string>;
  /** Resumes the waiting execution (SendTaskSuccess in the cloud). */
  resume: Resume;
  /** Waits between resume attempts; real time unless a test passes its own. */
  sleep?: (ms: number) => Promise<void>;
}

const paramsSchema = z.object({
  incident: z.string().regex(/^inc-[\w-]{1,80}$/, 'must be an incident id'),
  decision: z.enum(['approve', 'reject']),
  expires: z.coerce.number().int().positive(),
  nonce: z.string().regex(/^[0-9a-f]{32}$/, 'must be a request nonce'),
  kid: z.string().regex(/^[\w-]{1,40}$/, 'must be a key id'),
  sig: z.string().regex(/^[\w-]{20,100}$/, 'must be a signature'),
});

type Result = APIGatewayProxyStructuredResultV2;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function makeApprovalHandler(deps: ApprovalEndpointDeps | (() => ApprovalEndpointDeps)) {
  let resolved: ApprovalEndpointDeps | undefined;
  return async (event: APIGatewayProxyEventV2): Promise<Result> => {
    resolved ??= typeof deps === 'function' ? deps() : deps;
    const method = event.requestContext?.http?.method ?? 'GET';
    if (method !== 'GET' && method !== 'POST') return page(405, 'Use the link from the approval email.');
    const raw = method === 'POST' ? formFields(event) : (event.queryStringParameters ?? {});
    const parsed = paramsSchema.safeParse(raw);
    if (!parsed.success) return page(400, 'This approval link is incomplete or malformed.');
    const params: ApprovalLinkParams = parsed.data;
    try {
      const keys = parseSigningKeys(await resolved.signingKey());
      if (method === 'GET') {
        // The link alone is checked; nothing is read, and a prefetch changes nothing.
        verifyApproval(keys, params, resolved.clock.now().getTime());
        return confirmPage(params);
      }
      const { retried } = await answerByLink({ sleep: realSleep, ...resolved }, keys, params);
      logger.info('approval answered', { incidentId: params.incident, decision: params.decision, retried });
      return page(
        200,
        `Incident ${params.incident}: rollback ${params.decision === 'approve' ? 'approved' : 'rejected'}. Thank you.`,
      );
    } catch (error) {
      return refusal(error, params);
    }
  };
}

/** Maps core's verdicts to pages; anything else is a fault (500). */
function refusal(error: unknown, params: ApprovalLinkParams): Result {
  if (error instanceof ApprovalLinkError) {
    logger.warn('approval link refused', { incidentId: params.incident, reason: error.reason });
    return page(error.reason === 'expired' ? 410 : 403, error.message);
  }
  // Reached only with a valid signature: the link's holder may learn the state.
  if (error instanceof IncidentNotFoundError) return page(404, error.message);
  if (error instanceof ApprovalStateError) return page(409, error.message);
  if (error instanceof ApprovalGoneError) return page(410, error.message);
  if (error instanceof ResumeFailedError) {
    logger.error('approval recorded but not resumed', { incidentId: params.incident, error: error.message });
    return page(502, error.message);
  }
  throw error;
}

function formFields(event: APIGatewayProxyEventV2): Record<string, string> {
  const body = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  return Object.fromEntries(new URLSearchParams(body));
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function page(statusCode: number, message: string, extra = ''): Result {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    },
    body: `<!doctype html><meta charset="utf-8"><title>Rollback Sentinel</title><p>${escapeHtml(message)}</p>${extra}`,
  };
}

function confirmPage(params: ApprovalLinkParams): Result {
  const fields = Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(String(value))}">`)
    .join('');
  const verb = params.decision === 'approve' ? 'Approve' : 'Reject';
  return page(
    200,
    `${verb} the rollback of incident ${params.incident}?`,
    `<form method="post">${fields}<button type="submit">${verb}</button></form>`,
  );
}

function cloudDeps(): ApprovalEndpointDeps {
  return {
    incidents: incidentStoreFromEnv(),
    clock: systemClock,
    signingKey: signingKeyFromEnv,
    resume: async (taskToken, output) => {
      await sfnClient.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    },
  };
}

export const handler = middy(makeApprovalHandler(cloudDeps)).use(injectLambdaContext(logger));
