import { describe, expect, it } from 'vitest';
import { addClassification, addSaturating, emptyBucket, mergeBucket } from '../../functions/core/buckets.ts';

const version = { model: 'm', modelVersion: '1', prompt: 'p' };

describe('bucket counters stay safe integers', () => {
  it('saturate at MAX_SAFE_INTEGER instead of turning inexact or Infinity', () => {
    expect(addSaturating(Number.MAX_SAFE_INTEGER - 1, 5)).toBe(Number.MAX_SAFE_INTEGER);
    const bucket = emptyBucket(0);
    bucket.costNanoUsd = Number.MAX_SAFE_INTEGER - 10;
    addClassification(
      bucket,
      {
        type: 'classification',
        id: 'e',
        ts: 0,
        version,
        importance: 'routine',
        otp: false,
        costUsd: 10,
      },
      [],
    );
    expect(bucket.costNanoUsd).toBe(Number.MAX_SAFE_INTEGER);
    const other = { ...emptyBucket(0), costNanoUsd: Number.MAX_SAFE_INTEGER, classified: 3 };
    mergeBucket(bucket, other);
    expect(bucket.costNanoUsd).toBe(Number.MAX_SAFE_INTEGER);
    expect(Number.isSafeInteger(bucket.costNanoUsd)).toBe(true);
    expect(bucket.classified).toBe(4);
  });
});
