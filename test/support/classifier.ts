/**
 * What a classifier sends the local stack: a classification event, signed (SigV4, under the
 * caller's credentials) and POSTed to the ingest Function URL as a classifier in AWS would.
 */
import { signedPostJson } from '../../functions/local/signed-fetch.ts';
import type { LocalStack } from '../../functions/local/stack/local-stack.ts';
import { V2 } from './missing-incident.ts';

/** A routine classification of V2, stamped now; `extra` adds or replaces fields. */
export function classification(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'classification',
    id,
    ts: new Date().toISOString(),
    version: V2,
    importance: 'routine',
    ...extra,
  };
}

/** Signs `body` with `caller`'s credentials and POSTs it to the stack's ingest Function URL. */
export function postToIngest(
  stack: LocalStack,
  body: unknown,
  caller: { accessKeyId: string; secretAccessKey: string },
): Promise<{ status: number; body: unknown }> {
  return signedPostJson(stack.functionUrl('Ingestion/IngestFunction'), body, caller);
}
