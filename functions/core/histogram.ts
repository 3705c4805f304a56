/**
 * Log-linear latency histogram: bin i holds values in (G^(i-1), G^i] with G = 1.02, so any
 * quantile read from it is within about 1 % of the exact value (target: 2 %). Bins are sparse
 * integer counts, which merge by addition — the property that lets DynamoDB `ADD` them.
 */

const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);

/** Sparse counts keyed by bin index. */
export type Histogram = Record<number, number>;

export function binOf(value: number): number {
  if (value <= 1) return 0;
  return Math.ceil(Math.log(value) / LOG_GROWTH - 1e-9);
}

/** The value a bin stands for: the middle of its range (bin 0 holds everything ≤ 1). */
export function binValue(bin: number): number {
  if (bin <= 0) return 1;
  const upper = GROWTH ** bin;
  const lower = upper / GROWTH;
  return (lower + upper) / 2;
}

export function addToHistogram(histogram: Histogram, value: number, count = 1): void {
  const bin = binOf(value);
  histogram[bin] = (histogram[bin] ?? 0) + count;
}

export function mergeHistograms(into: Histogram, from: Histogram): void {
  for (const [bin, count] of Object.entries(from)) {
    const index = Number(bin);
    into[index] = (into[index] ?? 0) + count;
  }
}

export function histogramCount(histogram: Histogram): number {
  let total = 0;
  for (const count of Object.values(histogram)) total += count;
  return total;
}

/** Nearest-rank quantile (q in (0, 1]); undefined for an empty histogram. */
export function quantile(histogram: Histogram, q: number): number | undefined {
  const total = histogramCount(histogram);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  const bins = Object.keys(histogram)
    .map(Number)
    .sort((a, b) => a - b);
  let seen = 0;
  for (const bin of bins) {
    seen += histogram[bin] ?? 0;
    if (seen >= rank) return binValue(bin);
  }
  return binValue(bins[bins.length - 1] ?? 0);
}
