// The dense trainer's choice of how many threads work: it measures both counts, keeps the
// faster, and re-measures the other now and then, so it follows a machine whose load changes.
import { describe, expect, it } from 'vitest';
import { adaptiveThreadPolicy, EXPLORE, WINDOW } from '../../../../../main/engine/accel/dense-trainer/thread-policy';

/** Runs `steps` steps of 64 samples where a step on `count` threads takes msFor(count, step). */
function simulate(threads: number, steps: number, msFor: (count: number, step: number) => number): number[] {
  const policy = adaptiveThreadPolicy(threads);
  const used: number[] = [];
  for (let step = 0; step < steps; step++) {
    const count = policy.next();
    used.push(count);
    policy.record(64, msFor(count, step));
  }
  return used;
}

const share = (used: number[], count: number, from: number, to: number) => used.slice(from, to).filter((c) => c === count).length / (to - from);

describe('adaptive thread policy', () => {
  it('measures all threads, then one, then keeps the faster most of the time', () => {
    const used = simulate(2, 100 * WINDOW, (count) => (count === 2 ? 0.6 : 1.0));
    // A warm-up window and a measured one on 2 threads, then one window on 1.
    expect(used.slice(0, 2 * WINDOW).every((c) => c === 2)).toBe(true);
    expect(used.slice(2 * WINDOW, 3 * WINDOW).every((c) => c === 1)).toBe(true);
    expect(share(used, 2, 3 * WINDOW, 100 * WINDOW)).toBeGreaterThan(0.9);
  });

  it('moves to one thread while two are slower, and back when they are faster again', () => {
    // Two threads are faster for the first 40 windows, slower for the next 60, faster after;
    // each change is noticed at the next exploration (every EXPLORE windows) at the latest.
    const slow = (step: number) => step >= 40 * WINDOW && step < 100 * WINDOW;
    const used = simulate(2, 180 * WINDOW, (count, step) => (count === 2 ? (slow(step) ? 1.2 : 0.6) : 1.0));
    expect(share(used, 2, 4 * WINDOW, 40 * WINDOW)).toBeGreaterThan(0.9);
    expect(share(used, 1, (40 + EXPLORE + 2) * WINDOW, 100 * WINDOW)).toBeGreaterThan(0.85);
    expect(share(used, 2, (100 + EXPLORE + 2) * WINDOW, 180 * WINDOW)).toBeGreaterThan(0.85);
  });

  it('is not swayed by one disturbed window', () => {
    // Window 20 on two threads takes four times as long (a pause); two threads stay preferred.
    const used = simulate(2, 60 * WINDOW, (count, step) => (count === 2 ? (Math.floor(step / WINDOW) === 20 ? 2.4 : 0.6) : 1.0));
    // (Explorations aside: 2 windows in every EXPLORE run on one thread.)
    expect(share(used, 2, 22 * WINDOW, 60 * WINDOW)).toBeGreaterThan(0.85);
  });

  it('has nothing to choose with one thread', () => {
    expect(new Set(simulate(1, 10 * WINDOW, () => 1))).toEqual(new Set([1]));
  });
});
