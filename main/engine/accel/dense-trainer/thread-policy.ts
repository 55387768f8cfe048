// How many of the dense trainer's threads work in each step. Results do not depend on it (a
// batch is always cut into the same shards, summed in the same order), only speed does, and
// which count is fastest depends on the machine's load at the moment: two threads can be
// faster than one most of the time and slower for minutes at a stretch, when the host does
// not run both cores together, because every step waits twice for the other thread
// (docs/benchmarks.md). So the coordinator times windows of steps, uses the faster count, and now and then
// re-measures the other one.

export interface ThreadPolicy {
  /** Threads to use in the next step. */
  next(): number;
  /** Records the last step: samples and milliseconds. */
  record(samples: number, ms: number): void;
}

/** Steps per measurement window (about 40 ms for the MLP at batch 64). */
export const WINDOW = 64;
/**
 * Every EXPLORE windows, EXPLORE_LENGTH windows run the count not currently preferred: two,
 * so that a real change outvotes the older of its three remembered windows at once.
 */
export const EXPLORE = 24;
const EXPLORE_LENGTH = 2;
/** Windows at the start whose times are dropped: the code is still being compiled. */
const WARM_UP = 1;

/** Chooses between all `threads` and one; with one thread there is nothing to choose. */
export function adaptiveThreadPolicy(threads: number): ThreadPolicy {
  const candidates = threads > 1 ? [threads, 1] : [1];
  // Milliseconds per sample for each count: the median of its last three windows, so one
  // window disturbed by, say, garbage collection does not decide alone.
  const history = new Map<number, number[]>();
  const msPerSample = new Map<number, number>();
  let current = candidates[0];
  let windowSamples = 0;
  let windowMs = 0;
  let windowSteps = 0;
  let windows = 0;
  const best = () => candidates.reduce((a, b) => ((msPerSample.get(b) ?? Infinity) < (msPerSample.get(a) ?? Infinity) ? b : a));
  return {
    next: () => current,
    record(samples, ms) {
      windowSamples += samples;
      windowMs += ms;
      windowSteps += 1;
      if (windowSteps < WINDOW) return;
      windows += 1;
      if (windows > WARM_UP) {
        const recent = [...(history.get(current) ?? []), windowMs / windowSamples].slice(-3);
        history.set(current, recent);
        msPerSample.set(current, median(recent));
      }
      windowSamples = 0;
      windowMs = 0;
      windowSteps = 0;
      if (windows <= WARM_UP) return;
      const unmeasured = candidates.find((c) => !msPerSample.has(c));
      if (unmeasured !== undefined) current = unmeasured;
      else if (windows % EXPLORE < EXPLORE_LENGTH) current = candidates.find((c) => c !== best()) ?? best();
      else current = best();
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A fixed choice per step (tests). */
export function fixedThreadPolicy(count: (step: number) => number): ThreadPolicy {
  let step = 0;
  return { next: () => count(++step), record() {} };
}
