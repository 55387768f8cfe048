// How the dense trainer's threads wait for each other: on Int32 control words in the shared
// memory. A wait spins for up to 0.3 ms first, then sleeps in Atomics.wait. Steps of dense
// models take about a millisecond and the other thread usually arrives within tens of
// microseconds, while waking a sleeping thread (a futex) costs far more; sleeping early made
// two threads slower than one, and 0.3 ms of spinning keeps them fast while wasting little
// when the machine is busy and a thread is not running (docs/benchmarks.md). Every wait gives up when any thread
// has reported a failure, or when nothing happened for `stallMs` (a thread that died without
// reporting, e.g. killed), so no thread can hang forever.
import { CONTROL, FAILURE_BYTES, type DenseLayout } from './dense-layout';

const SPIN_MS = 0.3;
const SLEEP_MS = 20;

export class ThreadFailed extends Error {}

/** The control words of a layout, as an Int32Array index base. */
export function controlBase(layout: DenseLayout): number {
  return layout.control / 4;
}

/**
 * Waits until i32[index] satisfies `done` and returns that value. Throws ThreadFailed (with
 * the failing thread's message) when a thread failed, or when the word did not change for stallMs.
 */
function waitUntil(i32: Int32Array, layout: DenseLayout, index: number, done: (word: number) => boolean, stallMs: number): number {
  const spinUntil = performance.now() + SPIN_MS;
  do {
    for (let spin = 0; spin < 256; spin++) {
      const word = Atomics.load(i32, index);
      if (done(word)) return word;
    }
  } while (performance.now() < spinUntil);
  const failedAt = controlBase(layout) + CONTROL.failed;
  const started = Date.now();
  for (;;) {
    const word = Atomics.load(i32, index);
    if (done(word)) return word;
    if (Atomics.load(i32, failedAt) !== 0) throw new ThreadFailed(failureMessage(i32, layout));
    if (Date.now() - started > stallMs) throw new ThreadFailed(`a dense-trainer thread did not respond for ${stallMs / 1000} s`);
    Atomics.wait(i32, index, word, SLEEP_MS);
  }
}

/** Waits until i32[index] equals `value` (same give-up rules as waitUntil). */
export function waitForValue(i32: Int32Array, layout: DenseLayout, index: number, value: number, stallMs: number): void {
  waitUntil(i32, layout, index, (word) => word === value, stallMs);
}

/** Waits until i32[index] differs from `seen` and returns its new value (same give-up rules). */
export function waitForChange(i32: Int32Array, layout: DenseLayout, index: number, seen: number, stallMs: number): number {
  return waitUntil(i32, layout, index, (word) => word !== seen, stallMs);
}

export function publish(i32: Int32Array, index: number, value: number): void {
  Atomics.store(i32, index, value);
  Atomics.notify(i32, index);
}

/** Records the first failure's message in the shared memory and raises the failed flag. */
export function reportFailure(i32: Int32Array, layout: DenseLayout, message: string): void {
  const failedAt = controlBase(layout) + CONTROL.failed;
  if (Atomics.compareExchange(i32, failedAt, 0, 2) !== 0) return;
  const bytes = new TextEncoder().encode(message).subarray(0, FAILURE_BYTES - 4);
  new DataView(i32.buffer, layout.failure, 4).setInt32(0, bytes.length, true);
  new Uint8Array(i32.buffer, layout.failure + 4, bytes.length).set(bytes);
  publish(i32, failedAt, 1);
}

function failureMessage(i32: Int32Array, layout: DenseLayout): string {
  const failedAt = controlBase(layout) + CONTROL.failed;
  // 2: the message is being written; it takes microseconds.
  while (Atomics.load(i32, failedAt) === 2) Atomics.wait(i32, failedAt, 2, 1);
  const length = new DataView(i32.buffer, layout.failure, 4).getInt32(0, true);
  // TextDecoder refuses views of shared memory: copy first.
  return new TextDecoder().decode(new Uint8Array(i32.buffer, layout.failure + 4, length).slice());
}
