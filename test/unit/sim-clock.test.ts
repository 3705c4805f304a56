import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../functions/local/demo/sim-clock.ts';

const FACTOR = 1_000;

function busyWait(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // a stalled event loop, as on a busy machine
  }
}

describe('the demo clock', () => {
  it('runs factor× faster than the wall clock, and not at all while frozen', async () => {
    const clock = new SimulatedClock(0, FACTOR);
    await clock.frozen(async () => busyWait(40));
    expect(clock.now().getTime()).toBeLessThan(5 * FACTOR);
    busyWait(40);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(40 * FACTOR);
  });

  it('counts at most the capped running time between two checks: a stall is not simulated time', () => {
    const clock = new SimulatedClock(0, FACTOR);
    clock.capAdvance(10);
    const before = clock.now().getTime();
    busyWait(80);
    clock.capAdvance(10);
    const advanced = clock.now().getTime() - before;
    expect(advanced).toBeGreaterThanOrEqual(10 * FACTOR);
    expect(advanced).toBeLessThan(40 * FACTOR);
    // Time keeps running after the check.
    busyWait(30);
    expect(clock.now().getTime() - before).toBeGreaterThanOrEqual(advanced + 30 * FACTOR);
  });
});
