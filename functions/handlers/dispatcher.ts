/**
 * The dispatcher Lambda, woken by a CloudWatch alarm entering ALARM (OTP in critical, p95
 * latency): re-evaluates the live versions at once instead of waiting for the next schedule
 * tick. The dispatch core's lock makes alarm and schedule racing each other harmless.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
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

export function makeDispatcherHandler(deps: typeof tickDepsFromEnv) {
  return async (event: unknown): Promise<{ ignored?: string; dispatched?: string[] }> => {
    const alarm = alarmEventSchema.safeParse(event);
    if (!alarm.success) {
      logger.warn('not an alarm state change event; ignored');
      return { ignored: 'not an alarm state change event' };
    }
    if (alarm.data.detail.state.value !== 'ALARM')
      return { ignored: `alarm is ${alarm.data.detail.state.value}` };
    logger.info('alarm fired', { alarm: alarm.data.detail.alarmName });
    const results = await evaluateAndDispatch(deps());
    return {
      dispatched: results.flatMap(({ dispatch }) => ('incidentId' in dispatch ? [dispatch.incidentId] : [])),
    };
  };
}

export const handler = middy(makeDispatcherHandler(tickDepsFromEnv)).use(injectLambdaContext(logger));
