import { emptyBucket, type MinuteBucket, mergeBucket } from '../buckets.ts';
import type { GdsReportEvent } from '../events.ts';
import type { Policy } from '../policy.ts';
import { isNewerReport } from '../triggers/report-order.ts';
import { sameVersion, type Version } from '../version.ts';
import type { VerificationPolicy } from './policy.ts';

/** What a stage is judged on. Times are epoch milliseconds; nothing here reads a clock. */
export interface VerificationInput {
  at: number;
  deployedAt: number;
  /** The restored version. */
  version: Version;
  /** Live buckets of the restored version, any order. */
  buckets: readonly MinuteBucket[];
  /** GDS reports, any order and any version (others are ignored). */
  gdsReports: readonly GdsReportEvent[];
  /** The main policy: the baseline cost and distribution, and the triggers for "no trigger fires again". */
  policy: Policy;
  verification: VerificationPolicy;
  /** 1 for the first judgement of the stage, 2 after the first extension, … */
  attempt: number;
}

/** The restored version's data from its deploy up to `at`, and the sum of its buckets. */
export interface SinceDeploy {
  buckets: MinuteBucket[];
  /** All counters and the merged latency histogram of `buckets`. */
  total: MinuteBucket;
  /** Reports of the restored version with deployedAt < ts ≤ at, oldest first. */
  gdsReports: GdsReportEvent[];
}

/**
 * Only whole minutes that start at or after the deploy count: a bucket straddling the deploy
 * may hold traffic from the rollout, and losing under a minute of data costs nothing.
 */
export function sinceDeploy(input: VerificationInput): SinceDeploy {
  const { at, deployedAt } = input;
  const buckets = input.buckets.filter((bucket) => bucket.minute >= deployedAt && bucket.minute <= at);
  const total = emptyBucket(deployedAt);
  for (const bucket of buckets) mergeBucket(total, bucket);
  const gdsReports = input.gdsReports
    .filter(
      (report) => sameVersion(report.version, input.version) && report.ts > deployedAt && report.ts <= at,
    )
    .sort((a, b) => a.ts - b.ts);
  return { buckets, total, gdsReports };
}

/** The newest report (ties: `isNewerReport`, so delivery order never matters). */
export function latestReport(data: SinceDeploy): GdsReportEvent | undefined {
  let latest: GdsReportEvent | undefined;
  for (const report of data.gdsReports) if (isNewerReport(report, latest)) latest = report;
  return latest;
}
