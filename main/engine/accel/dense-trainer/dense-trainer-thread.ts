// Entry point of one dense-trainer helper thread (see dense-trainer.ts): instantiates the
// shared-memory kernels on the trainer's memory, then loops without returning to the event
// loop — wait for a step; when working in it, compute this thread's shards, wait for every
// working thread's gradients, update this thread's slice of the weights.
// Built to dist/main/dense-trainer-thread.js.
import { parentPort, workerData } from 'node:worker_threads';
import { sharedKernelsFor } from '../wasm-simd/training-kernels';
import { COMMAND_EXIT, CONTROL, readStepWord, threadWord } from './dense-layout';
import { DenseShard, sharedViews } from './dense-shard';
import { controlBase, publish, reportFailure, waitForChange, waitForValue } from './dense-sync';
import type { DenseThreadInit } from './dense-trainer';

/** A helper waits on the next step indefinitely (between epochs the run validates and checkpoints). */
const IDLE_MS = Number.POSITIVE_INFINITY;
/** Within a step, the other threads are seconds away at most. */
const STALL_MS = 60_000;

const { module, memory, layout, thread } = workerData as DenseThreadInit;
const { kernels } = sharedKernelsFor(module, memory);
const views = sharedViews(memory.buffer);
const control = controlBase(layout);
const shard = new DenseShard(layout, kernels, views, thread);
parentPort!.postMessage('ready');

try {
  // The step word starts at 0: the coordinator publishes no step before every thread is ready.
  let seen = 0;
  for (;;) {
    seen = waitForChange(views.i32, layout, control + CONTROL.step, seen, IDLE_MS);
    if (views.i32[control + CONTROL.command] === COMMAND_EXIT) break;
    const { step, active } = readStepWord(seen);
    // Not working in this step: the coordinator does not wait for this thread.
    if (thread >= active) continue;
    const batch = views.i32[control + CONTROL.batch];
    for (let s = thread; s < layout.threads; s += active) {
      shard.gradients(s, views.i32[control + threadWord(s, CONTROL.from)], views.i32[control + threadWord(s, CONTROL.count)], batch);
    }
    publish(views.i32, control + threadWord(thread, CONTROL.gradientsDone), step);
    for (let t = 0; t < active; t++) {
      if (t !== thread) waitForValue(views.i32, layout, control + threadWord(t, CONTROL.gradientsDone), step, STALL_MS);
    }
    shard.update(active);
    publish(views.i32, control + threadWord(thread, CONTROL.updateDone), step);
  }
} catch (err) {
  reportFailure(views.i32, layout, `dense-trainer thread ${thread}: ${err instanceof Error ? err.message : String(err)}`);
}
