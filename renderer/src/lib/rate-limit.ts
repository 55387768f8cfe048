// Two ways to call something less often than it is asked for: debounce (typing in a
// filter box queries once the user pauses) and throttle (a live run's many progress events
// refetch its row at most once per interval, with a last call after the burst).

export interface Limited<A extends unknown[]> {
  (...args: A): void;
  /** Drops a pending call (on destroy, so nothing runs after the page is gone). */
  cancel(): void;
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number): Limited<A> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limited = (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...args);
    }, waitMs);
  };
  limited.cancel = () => clearTimeout(timer);
  return limited;
}

export function throttle<A extends unknown[]>(fn: (...args: A) => void, intervalMs: number): Limited<A> {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: A | undefined;
  const run = () => {
    timer = undefined;
    last = Date.now();
    const args = pending as A;
    pending = undefined;
    fn(...args);
  };
  const limited = (...args: A) => {
    pending = args;
    if (timer !== undefined) return;
    const wait = last + intervalMs - Date.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
  limited.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
    pending = undefined;
  };
  return limited;
}
