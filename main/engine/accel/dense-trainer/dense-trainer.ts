// The dense trainer: trains a model made only of Flatten and Dense layers (the MLP, or a
// Dense head on cached features) outside tfjs, on every core.
//
// Why: for such models a training step is a few small matrix products, and on the wasm
// backend tfjs's per-kernel overhead (tape, allocations, ~30 kernel calls per step) cost as
// much as the arithmetic, while tfjs-backend-wasm computes on one thread under Node. Here the
// weights, optimizer state and batch live in one shared WebAssembly memory; every batch is cut
// into `threads` shards, and the calling thread and up to `threads − 1` worker threads run the
// C SIMD kernels (training-kernels.c, built for shared memory) on the shards, then each sums
// the shards' gradients over its own slice of the weights and updates it: two barriers per
// step and nothing copied between threads. How many threads work in a step is chosen by
// timing (thread-policy.ts); the shards and the order of their sum stay the same, so the
// results do not depend on it, bit for bit.
// The maths is tfjs's (same forward, loss, gradients and optimizer updates in float32); sums
// are taken in another order, so results agree with the tfjs path within float rounding.
//
// The tfjs model and optimizer stay the owners of record: their values are read at the start
// and written back by sync() (every epoch end: validation, checkpoints) and close().
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { appRoot } from '../../../paths';
import { denseSteps } from '../fused-dense';
import type { PenaltyTerm } from '../../training/regularization';
import { createSharedMemory, sharedKernelsFor, sharedKernelsHeapBase, sharedKernelsModule, type WasmMemory, type WasmModule } from '../wasm-simd/training-kernels';
import { COMMAND_EXIT, COMMAND_RUN, CONTROL, layoutDenseTrainer, stepWord, threadWord, type DenseLayout } from './dense-layout';
import { adaptiveThreadPolicy, type ThreadPolicy } from './thread-policy';
import { DenseShard, SCALAR, sharedViews } from './dense-shard';
import { controlBase, publish, reportFailure, waitForValue } from './dense-sync';
import { denseOptimizerConfig, readOptimizerInto, writeOptimizerFrom, type AdamPowers, type StatePlacement } from './dense-optimizer-state';

/** What a dense-trainer helper thread receives. */
export interface DenseThreadInit {
  module: WasmModule;
  memory: WasmMemory;
  layout: DenseLayout;
  thread: number;
}

export interface DenseTrainer {
  readonly threads: number;
  /**
   * The trainer's own batch buffers in the shared memory (maxBatch samples): a batch gathered
   * straight into them is not copied again by step().
   */
  readonly batchBuffer: { x: Float32Array; y: Int32Array };
  /** One step on samples x[0..n) (flat), labels y[0..n); returns the batch's summed loss and correct count. */
  step(x: Float32Array, y: Int32Array, n: number): { lossSum: number; correct: number };
  /** Writes the current weights into the model and the optimizer state into the optimizer. */
  sync(): void;
  /** Syncs, then stops the helper threads. */
  close(): Promise<void>;
}

/** Longest a thread may wait for another during a step before the run fails. */
const STALL_MS = 60_000;

/** Why the dense trainer cannot train `model`, or undefined when it can. */
export function denseModelUnsupported(model: tf.LayersModel): string | undefined {
  const steps = denseSteps(model);
  if (steps === undefined) return 'the model is not only Flatten and Dense layers with linear, relu or softmax activations';
  if (steps[steps.length - 1].activation !== 'softmax') return 'the last layer is not a softmax';
  if (!steps.some((s) => s.trainable)) return 'no layer is trainable';
  return undefined;
}

/** The built helper-thread entry, beside the running bundle or in dist/main/ (tests run sources). */
export function defaultDenseThreadFile(): string {
  const beside = path.join(__dirname, 'dense-trainer-thread.js');
  return fs.existsSync(beside) ? beside : path.join(appRoot(), 'dist', 'main', 'dense-trainer-thread.js');
}

export async function createDenseTrainer(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  options: {
    threads: number;
    maxBatch: number;
    /** An L2 / L2-SP penalty on trainable weights, added to the loss and its gradient. */
    penalty?: readonly PenaltyTerm[];
    threadFile?: string;
    /** Longest a thread waits for another within a step before the step fails (default 60 s). */
    stallMs?: number;
    /** How many threads work in each step (default: adaptive; results are the same either way). */
    policy?: ThreadPolicy;
  },
): Promise<DenseTrainer> {
  const unsupported = denseModelUnsupported(model);
  if (unsupported) throw new Error(`dense trainer: ${unsupported}`);
  const config = denseOptimizerConfig(optimizer);
  if ('reason' in config) throw new Error(`dense trainer: ${config.reason}`);
  const steps = denseSteps(model)!;
  const module = sharedKernelsModule();
  const layout = layoutDenseTrainer({
    layers: steps.map((s) => ({ name: s.name, inputs: s.inputs, units: s.units, activation: s.activation, trainable: s.trainable, hasBias: s.hasBias })),
    classes: steps[steps.length - 1].units,
    threads: options.threads,
    maxBatch: options.maxBatch,
    optimizer: config,
    epsilon: tf.backend().epsilon(),
    penalized: (options.penalty?.length ?? 0) > 0,
    heapBase: sharedKernelsHeapBase(),
  });
  const memory = createSharedMemory(layout.bytes);
  const { kernels } = sharedKernelsFor(module, memory);
  const views = sharedViews(memory.buffer);
  const control = controlBase(layout);

  const placements = copyWeightsIn(steps, layout, views.f32);
  if (layout.penalty) writePenalty(views.f32, layout.penalty, placements, options.penalty!);
  const stateViews = layout.state.map((at) => views.f32.subarray(at / 4, at / 4 + layout.trainableCount)) as [Float32Array, Float32Array];
  const powers: AdamPowers = readOptimizerInto(optimizer, config, placements, stateViews);
  let iterations = optimizer.iterations;

  const stallMs = options.stallMs ?? STALL_MS;
  const threads = await startHelperThreads(options.threadFile ?? defaultDenseThreadFile(), { module, memory, layout });
  const shard = new DenseShard(layout, kernels, views, 0);
  const policy = options.policy ?? adaptiveThreadPolicy(layout.threads);
  let stepNumber = 0;
  let closed = false;

  /** Copies the trained weights and optimizer state back into the model and optimizer. */
  const sync = () => {
    copyWeightsOut(steps, layout, views.f32);
    writeOptimizerFrom(optimizer, config, placements, stateViews, iterations, powers);
  };

  return {
    threads: layout.threads,
    batchBuffer: {
      x: views.f32.subarray(layout.batchX / 4, layout.batchX / 4 + layout.maxBatch * layout.inputSize),
      y: views.i32.subarray(layout.batchY / 4, layout.batchY / 4 + layout.maxBatch),
    },
    step(x, y, n) {
      if (closed) throw new Error('dense trainer: step after close');
      loadBatch(layout, views, memory, x, y, n);
      if (config.name === 'adam') {
        // As tfjs's Adam: 1 − βᵗ from the float32 running powers (passed as reciprocals).
        views.f32[layout.scalars / 4 + SCALAR.invBias1] = 1 / Math.fround(1 - powers.accBeta1);
        views.f32[layout.scalars / 4 + SCALAR.invBias2] = 1 / Math.fround(1 - powers.accBeta2);
      }
      stepNumber += 1;
      const active = policy.next();
      const started = performance.now();
      runStep(layout, views.i32, control, shard, stepNumber, active, n, stallMs);
      policy.record(n, performance.now() - started);
      iterations += 1;
      if (config.name === 'adam') {
        powers.accBeta1 = Math.fround(powers.accBeta1 * Math.fround(config.beta1));
        powers.accBeta2 = Math.fround(powers.accBeta2 * Math.fround(config.beta2));
      }
      return readStepStats(layout, views.f64, active, n);
    },
    sync,
    async close() {
      if (closed) return;
      closed = true;
      sync();
      views.i32[control + CONTROL.command] = COMMAND_EXIT;
      publish(views.i32, control + CONTROL.step, stepWord(stepNumber + 1, layout.threads));
      await stopHelperThreads(threads);
    },
  };
}

type SharedViews = ReturnType<typeof sharedViews>;

/** Writes every layer's weights into the shared memory; answers where the trainable ones sit. */
function copyWeightsIn(steps: NonNullable<ReturnType<typeof denseSteps>>, layout: DenseLayout, f32: Float32Array): StatePlacement[] {
  const placements: StatePlacement[] = [];
  steps.forEach((s, i) => {
    const l = layout.layers[i];
    const { kernel, bias } = s.weights();
    f32.set(kernel.dataSync() as Float32Array, layout.weights / 4 + l.kernel);
    if (bias) f32.set(bias.dataSync() as Float32Array, layout.weights / 4 + l.bias);
    if (s.trainable) {
      placements.push({ variable: kernel, offset: l.kernel });
      if (bias) placements.push({ variable: bias, offset: l.bias });
    }
  });
  return placements;
}

/** Assigns the trainable weights in the shared memory back to the model's variables. */
function copyWeightsOut(steps: NonNullable<ReturnType<typeof denseSteps>>, layout: DenseLayout, f32: Float32Array): void {
  steps.forEach((s, i) => {
    if (!s.trainable) return;
    const l = layout.layers[i];
    const { kernel, bias } = s.weights();
    const read = (at: number, v: tf.Variable) => tf.tidy(() => v.assign(tf.tensor(f32.slice(layout.weights / 4 + at, layout.weights / 4 + at + v.size), v.shape)));
    read(l.kernel, kernel);
    if (bias) read(l.bias, bias);
  });
}

interface HelperThreads {
  workers: Worker[];
  exited: Promise<unknown>[];
}

/** Starts threads 1.. of the layout (thread 0 is the caller's) and waits until each is ready. */
async function startHelperThreads(threadFile: string, shared: Omit<DenseThreadInit, 'thread'>): Promise<HelperThreads> {
  const workers: Worker[] = [];
  const exited: Promise<unknown>[] = [];
  try {
    for (let t = 1; t < shared.layout.threads; t++) {
      const init: DenseThreadInit = { ...shared, thread: t };
      const worker = new Worker(threadFile, { workerData: init });
      workers.push(worker);
      exited.push(new Promise((resolve) => worker.once('exit', resolve)));
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', (err) => reject(new Error(`dense-trainer thread ${t} (${threadFile}) failed to start: ${err.message}`)));
      });
    }
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  }
  return { workers, exited };
}

/** Waits for each thread to exit after the exit command, terminating one that takes over 5 s. */
async function stopHelperThreads({ workers, exited }: HelperThreads): Promise<void> {
  await Promise.all(workers.map((w, i) => {
    let timer: NodeJS.Timeout | undefined;
    const stopped = new Promise<void>((resolve) => { timer = setTimeout(() => void w.terminate().then(() => resolve()), 5000); });
    return Promise.race([exited[i], stopped]).finally(() => clearTimeout(timer));
  }));
}

/** Checks a batch and copies it into the shared batch buffer unless it is already there. */
function loadBatch(layout: DenseLayout, views: SharedViews, memory: WasmMemory, x: Float32Array, y: Int32Array, n: number): void {
  if (!(n >= 1 && n <= layout.maxBatch)) throw new Error(`dense trainer: batch of ${n} samples, expected 1..${layout.maxBatch}`);
  if (y.length < n || x.length < n * layout.inputSize) throw new Error(`dense trainer: batch arrays hold fewer than ${n} samples of ${layout.inputSize} values`);
  for (let i = 0; i < n; i++) {
    if (!(y[i] >= 0 && y[i] < layout.classes)) throw new Error(`dense trainer: label ${y[i]} at row ${i} is outside 0..${layout.classes - 1}`);
  }
  if (x.buffer !== memory.buffer || x.byteOffset !== layout.batchX) views.f32.set(x.subarray(0, n * layout.inputSize), layout.batchX / 4);
  if (y.buffer !== memory.buffer || y.byteOffset !== layout.batchY) views.i32.set(y.subarray(0, n), layout.batchY / 4);
}

/**
 * One step over all shards: publishes the shard table and the step word, computes this
 * thread's shards, waits for the others' gradients, updates, and waits for their updates.
 */
function runStep(layout: DenseLayout, i32: Int32Array, control: number, shard: DenseShard, k: number, active: number, n: number, stallMs: number): void {
  shardTable(n, layout.threads).forEach(([from, count], s) => {
    i32[control + threadWord(s, CONTROL.from)] = from;
    i32[control + threadWord(s, CONTROL.count)] = count;
  });
  i32[control + CONTROL.batch] = n;
  i32[control + CONTROL.command] = COMMAND_RUN;
  publish(i32, control + CONTROL.step, stepWord(k, active));
  try {
    for (let s = 0; s < layout.threads; s += active) {
      shard.gradients(s, i32[control + threadWord(s, CONTROL.from)], i32[control + threadWord(s, CONTROL.count)], n);
    }
    publish(i32, control + threadWord(0, CONTROL.gradientsDone), k);
    for (let t = 1; t < active; t++) waitForValue(i32, layout, control + threadWord(t, CONTROL.gradientsDone), k, stallMs);
    shard.update(active);
    for (let t = 1; t < active; t++) waitForValue(i32, layout, control + threadWord(t, CONTROL.updateDone), k, stallMs);
  } catch (err) {
    reportFailure(i32, layout, err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/**
 * Summed loss over the batch: the shards' cross-entropy plus the penalty once per sample
 * (the tfjs path's loss is the batch mean plus the penalty), and the correct count.
 */
function readStepStats(layout: DenseLayout, f64: Float64Array, active: number, n: number): { lossSum: number; correct: number } {
  let lossSum = 0;
  let correct = 0;
  let penalty = 0;
  for (let s = 0; s < layout.threads; s++) {
    lossSum += f64[layout.stats / 8 + s * 8];
    correct += f64[layout.stats / 8 + s * 8 + 1];
  }
  for (let t = 0; t < active; t++) penalty += f64[layout.stats / 8 + t * 8 + 2];
  return { lossSum: lossSum + penalty * n, correct };
}

/** Fills the per-float penalty coefficients and references from the terms. */
function writePenalty(f32: Float32Array, at: { reference: number; coefficient: number }, placements: StatePlacement[], terms: readonly PenaltyTerm[]): void {
  f32.fill(0, at.coefficient / 4, at.coefficient / 4 + placements.reduce((a, p) => a + p.variable.size, 0));
  for (const term of terms) {
    const variable = term.weight.read();
    const placed = placements.find((p) => p.variable === variable);
    if (placed === undefined) throw new Error(`dense trainer: penalty on '${term.weight.name}', which is not a trainable weight of the model`);
    const size = placed.variable.size;
    if (term.reference && term.reference.length !== size) {
      throw new Error(`dense trainer: penalty reference for '${term.weight.name}' has ${term.reference.length} values, expected ${size}`);
    }
    f32.fill(term.coefficient, at.coefficient / 4 + placed.offset, at.coefficient / 4 + placed.offset + size);
    if (term.reference) f32.set(term.reference, at.reference / 4 + placed.offset);
    else f32.fill(0, at.reference / 4 + placed.offset, at.reference / 4 + placed.offset + size);
  }
}

/** [from, count] per thread: shards as even as possible, the extra samples to the first threads. */
export function shardTable(n: number, threads: number): [number, number][] {
  const shards: [number, number][] = [];
  for (let t = 0, from = 0; t < threads; t++) {
    const count = Math.floor(n / threads) + (t < n % threads ? 1 : 0);
    shards.push([from, count]);
    from += count;
  }
  return shards;
}

