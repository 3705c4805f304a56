import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { BreachSignal } from '../ports.ts';

/** The event the dispatcher receives from ingest (besides CloudWatch alarm state changes). */
export const INGEST_BREACH_SOURCE = 'rollback-sentinel.ingest';
export const INGEST_BREACH_DETAIL_TYPE = 'Zero-tolerance breach ingested';

/**
 * Wakes the dispatcher Lambda asynchronously (InvocationType Event): ingest answers the classifier
 * at once, and the dispatcher judges with its own grants — ingest needs only lambda:InvokeFunction.
 */
export class LambdaBreachSignal implements BreachSignal {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly dispatcherFunction: string,
  ) {}

  async raise(signal: { batchId: string; otpInCritical: number }): Promise<void> {
    await this.lambda.send(
      new InvokeCommand({
        FunctionName: this.dispatcherFunction,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(
          JSON.stringify({
            source: INGEST_BREACH_SOURCE,
            'detail-type': INGEST_BREACH_DETAIL_TYPE,
            detail: signal,
          }),
        ),
      }),
    );
  }
}
