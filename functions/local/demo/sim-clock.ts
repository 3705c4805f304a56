import type { Clock } from '../../ports.ts';

/**
 * Simulated time for the demo: starts at `start` and runs `factor` times faster than the wall
 * clock, so a day of verification passes in seconds while every component reads one clock.
 */
export class SimulatedClock implements Clock {
  private realStart = Date.now();
  private pausedAt: number | undefined;
  private pauses = 0;

  constructor(
    readonly start: number,
    readonly factor: number,
  ) {}

  now(): Date {
    const real = this.pausedAt ?? Date.now();
    return new Date(this.start + (real - this.realStart) * this.factor);
  }

  /**
   * Runs `work` with simulated time stopped. Sentinel's own steps take milliseconds to seconds in
   * reality; at the demo's speed-up their wall time would read as tens of simulated minutes.
   */
  async frozen<T>(work: () => Promise<T>): Promise<T> {
    if (this.pauses === 0) this.pausedAt = Date.now();
    this.pauses += 1;
    try {
      return await work();
    } finally {
      this.pauses -= 1;
      if (this.pauses === 0 && this.pausedAt !== undefined) {
        this.realStart += Date.now() - this.pausedAt;
        this.pausedAt = undefined;
      }
    }
  }

  /** Wall milliseconds since the demo began, pauses included. */
  elapsedRealMs(): number {
    return Date.now() - this.wallStart;
  }

  private wallStart = Date.now();
}
