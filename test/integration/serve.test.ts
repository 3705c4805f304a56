/**
 * `sentinel serve` is the synthesized stack on this machine: a classifier signs its batches as in
 * AWS, and whatever body it sends, the ingest Lambda never answers 5xx, counts each valid event
 * once (re-sent batches included) and touches no other version's data.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seriesKey } from '../../functions/core/aggregate.ts';
import type { Version } from '../../functions/core/version.ts';
import { signedPostJson } from '../../functions/local/signed-fetch.ts';
import { useServe } from '../support/serve.ts';

const LIVE = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
/** Never sent: its buckets must stay empty whatever the fuzz sends. */
const UNTOUCHED = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v1' };
const HOSTILE_VERSION = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'fuzz' };
const MINUTE = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;

function classification(id: string, version: Version = LIVE): Record<string, unknown> {
  return {
    type: 'classification',
    id,
    ts: new Date(MINUTE).toISOString(),
    version,
    importance: 'routine',
    latencyMs: 500,
  };
}

/** Events no schema should take, and events that are valid but belong to another version. */
const hostileEvent = fc.oneof(
  fc.anything(),
  fc
    .constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty')
    .map((type) => ({ type, id: 'h' })),
  fc.oneof(fc.double(), fc.constant(1e300), fc.constant(9e6)).map((costUsd) => ({
    ...classification('cost', HOSTILE_VERSION),
    costUsd,
  })),
  fc.record({ model: fc.string(), modelVersion: fc.string(), prompt: fc.string() }).map((version) => ({
    ...classification('shape', version),
  })),
  fc.string({ maxLength: 3000 }).map((dataset) => ({
    type: 'gds_report',
    id: 'g',
    ts: new Date(MINUTE).toISOString(),
    version: HOSTILE_VERSION,
    dataset,
    critical: { tp: 1, fp: 1, fn: 1 },
  })),
);

describe('sentinel serve', () => {
  const serving = useServe('sentinel-serve-');
  const classified = async (version: Version) => {
    const [bucket] = await serving.store.readBuckets(seriesKey(version), MINUTE, MINUTE);
    return bucket?.classified ?? 0;
  };

  it('takes a signed batch once, however often it is re-sent, and refuses an unsigned one', async () => {
    const batch = { batchId: 'serve-1', events: [classification('a'), classification('b')] };
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await signedPostJson(serving.served.ingestUrl, batch, serving.served.credentials)).toMatchObject(
        {
          status: 200,
          body: { accepted: 2 },
        },
      );
    }
    expect(await classified(LIVE)).toBe(2);
    expect(
      (await fetch(serving.served.ingestUrl, { method: 'POST', body: JSON.stringify(batch) })).status,
    ).toBe(403);
  });

  it('never answers 5xx to hostile batches, counts their valid events exactly once, leaves other versions alone', async () => {
    const before = await classified(LIVE);
    let expected = before;
    let sequence = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(hostileEvent, fc.constant('valid' as const)), { maxLength: 10 }),
        async (items) => {
          sequence += 1;
          const events = items.map((item, index) =>
            item === 'valid' ? classification(`fuzz-${sequence}-${index}`) : item,
          );
          const batch = { batchId: `fuzz-${sequence}`, events };
          const first = await signedPostJson(serving.served.ingestUrl, batch, serving.served.credentials);
          const again = await signedPostJson(serving.served.ingestUrl, batch, serving.served.credentials);
          expect(first.status).toBeLessThan(500);
          expect(again.status).toBe(first.status);
          if (first.status === 200) expected += items.filter((item) => item === 'valid').length;
          expect(await classified(LIVE)).toBe(expected);
        },
      ),
      { numRuns: 120, seed: 20261201 },
    );
    expect(await classified(UNTOUCHED)).toBe(0);
    expect(expected).toBeGreaterThan(before);
  });

  it('answers non-JSON and empty bodies with 400, not 5xx', async () => {
    for (const body of ['', '{', '[]', 'null', '{"events": 3}']) {
      const answer = await signedPostJson(serving.served.ingestUrl, body, serving.served.credentials);
      expect(answer.status, body).toBeLessThan(500);
    }
  });
});
