import type { Clock } from '../../ports.ts';

/**
 * Simulated time for the demo: starts at `start` and runs `factor` times faster than the wall
 * clock, so a day of verification passes in seconds while every component reads one clock.
 */
export class SimulatedClock implements Clock {
  private readonly realStart = Date.now();

  constructor(
    readonly start: number,
    readonly factor: number,
  ) {}

  now(): Date {
    return new Date(this.start + (Date.now() - this.realStart) * this.factor);
  }

  /** Real milliseconds since the demo started. */
  elapsedRealMs(): number {
    return Date.now() - this.realStart;
  }
}
