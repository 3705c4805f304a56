/**
 * `npm run bench`: every benchmark, one after the other, then the process's peak RSS.
 * Figures and ratios to the targets are printed; nothing is asserted (machines are noisy).
 */
import { benchBacktest } from './backtest.ts';
import { benchBundles } from './bundles.ts';
import { benchEvaluate } from './evaluate.ts';
import { benchIngest } from './ingest.ts';
import { benchOtp } from './otp.ts';
import { benchP0 } from './p0.ts';
import { benchStatistics } from './statistics.ts';

const benches: [string, () => Promise<Record<string, number | string>>][] = [
  ['ingest', benchIngest],
  ['evaluate', benchEvaluate],
  ['backtest', benchBacktest],
  ['otp', benchOtp],
  ['statistics', benchStatistics],
  ['p0', benchP0],
  ['bundles', benchBundles],
];

for (const [name, bench] of benches) {
  console.log(`\n=== ${name} ===`);
  await bench();
}
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`\npeak RSS of the whole bench process: ${peakRssMb} MB`);
