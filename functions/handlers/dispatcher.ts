/**
 * The dispatcher Lambda, woken by a CloudWatch alarm entering ALARM (OTP in critical, p95
 * latency) or by ingest the moment it stores an OTP email classified critical: re-evaluates the
 * live versions at once instead of waiting for the next schedule tick. The dispatch core's lock
 * makes alarm, ingest and schedule racing each other harmless.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import { INGEST_BREACH_DETAIL_TYPE, INGEST_BREACH_SOURCE } from '../adapters/lambda-breach-signal.ts';
import { logger } from '../commons/logger.ts';
import { evaluateAndDispatch } from '../core/incident/evaluate-and-dispatch.ts';
import { tickDepsFromEnv } from './tick-deps.ts';

const alarmEventSchema = z.looseObject({
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  detail: z.looseObject({
    alarmName: z.string(),
    state: z.looseObject({ value: z.string() }),
  }),
});

const ingestBreachSchema = z.looseObject({
  source: z.literal(INGEST_BREACH_SOURCE),
  'detail-type': z.literal(INGEST_BREACH_DETAIL_TYPE),
  detail: z.looseObject({ batchId: z.string(), otpInCritical: z.number() }),
});

/** Why to judge now, or why the event is ignored. */
function wakeReason(event: unknown): { judge: string } | { ignored: string } {
  const breach = ingestBreachSchema.safeParse(event);
  if (breach.success)
    return { judge: `ingest stored ${breach.data.detail.otpInCritical} OTP email(s) in critical` };
  const alarm = alarmEventSchema.safeParse(event);
  if (!alarm.success) return { ignored: 'not an alarm state change event' };
  if (alarm.data.detail.state.value !== 'ALARM')
    return { ignored: `alarm is ${alarm.data.detail.state.value}` };
  return { judge: `alarm ${alarm.data.detail.alarmName} fired` };
}

export function makeDispatcherHandler(deps: typeof tickDepsFromEnv) {
  return async (event: unknown): Promise<{ ignored?: string; dispatched?: string[] }> => {
    const reason = wakeReason(event);
    if ('ignored' in reason) {
      logger.warn('event ignored', { reason: reason.ignored });
      return reason;
    }
    logger.info('judging now', { reason: reason.judge });
    const results = await evaluateAndDispatch(deps());
    return {
      dispatched: results.flatMap(({ dispatch }) => ('incidentId' in dispatch ? [dispatch.incidentId] : [])),
    };
  };
}

export const handler = middy(makeDispatcherHandler(tickDepsFromEnv)).use(injectLambdaContext(logger));
