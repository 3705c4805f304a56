import type { Clock } from '../../ports.ts';

/**
 * Slots of the shared clock state the Lambda threads read (lambda-worker.mjs): four float64
 * values, then an int32 sequence that is odd while a write is under way (a seqlock), so a
 * reader never combines a new value with an old one.
 */
const SIM_START = 0;
const REAL_START = 1;
const FACTOR = 2;
const PAUSED_AT = 3;

/**
 * Simulated time for the demo: starts at `start` and runs `factor` times faster than the wall
 * clock, so a day of verification passes in seconds while every component reads one clock —
 * this process through `now()`, the local Lambdas through the shared memory in `shared`.
 */
export class SimulatedClock implements Clock {
  /** `[simStart, realStart, factor, pausedAt | NaN]`, read by the function threads. */
  readonly shared = new SharedArrayBuffer(4 * Float64Array.BYTES_PER_ELEMENT + Int32Array.BYTES_PER_ELEMENT);
  private readonly state = new Float64Array(this.shared, 0, 4);
  private readonly sequence = new Int32Array(this.shared, 4 * Float64Array.BYTES_PER_ELEMENT, 1);
  private pauses = 0;
  private checkedAt: number | undefined;
  private readonly wallStart = Date.now();

  constructor(
    readonly start: number,
    readonly factor: number,
  ) {
    this.state[SIM_START] = start;
    this.state[REAL_START] = Date.now();
    this.state[FACTOR] = factor;
    this.state[PAUSED_AT] = Number.NaN;
  }

  now(): Date {
    const paused = this.state[PAUSED_AT] as number;
    const real = Number.isNaN(paused) ? Date.now() : paused;
    return new Date(this.start + (real - (this.state[REAL_START] as number)) * this.factor);
  }

  /**
   * Runs `work` with simulated time stopped. Sentinel's own steps take milliseconds to seconds in
   * reality; at the demo's speed-up their wall time would read as tens of simulated minutes.
   */
  async frozen<T>(work: () => Promise<T>): Promise<T> {
    if (this.pauses === 0) this.write(() => (this.state[PAUSED_AT] = Date.now()));
    this.pauses += 1;
    try {
      return await work();
    } finally {
      this.pauses -= 1;
      const pausedAt = this.state[PAUSED_AT] as number;
      if (this.pauses === 0 && !Number.isNaN(pausedAt)) {
        this.write(() => {
          this.state[REAL_START] = (this.state[REAL_START] as number) + (Date.now() - pausedAt);
          this.state[PAUSED_AT] = Number.NaN;
        });
      }
    }
  }

  private write(change: () => void): void {
    Atomics.add(this.sequence, 0, 1);
    change();
    Atomics.add(this.sequence, 0, 1);
  }

  /**
   * Lets at most `maxRealMs` of running (unfrozen) wall time count since the last call; the rest
   * is treated as if frozen. A stalled event loop on a busy machine would otherwise read, at the
   * demo's speed-up, as an hour of simulated time in which nothing happened.
   */
  capAdvance(maxRealMs: number): void {
    const sim = this.now().getTime();
    const excessRealMs = (sim - (this.checkedAt ?? sim)) / this.factor - maxRealMs;
    if (excessRealMs > 0 && this.pauses === 0)
      this.write(() => (this.state[REAL_START] = (this.state[REAL_START] as number) + excessRealMs));
    this.checkedAt = this.now().getTime();
  }

  /** Wall milliseconds since the demo began, pauses included. */
  elapsedRealMs(): number {
    return Date.now() - this.wallStart;
  }
}
