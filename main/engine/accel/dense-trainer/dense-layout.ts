// Where everything the dense trainer works on lives in its shared WebAssembly memory: the
// weights, the optimizer state, the batch, each shard's gradients and each thread's
// activations. A batch is always cut into `threads` shards (the most threads that may work);
// shard s's gradients and statistics have slot s whichever thread computed them, so fewer
// threads can do the same work with the same results (see dense-trainer.ts).
// The layout is plain data (byte offsets), computed once on the coordinating thread and sent
// to every helper thread, so all threads agree on it without exchanging anything else.
//
// Weights are laid out trainable first, in the order of model.trainableWeights (the order
// tfjs's optimizers index their state by), then the frozen ones; the optimizer state and
// every thread's gradients cover the trainable prefix only. Buffers start on 64-byte
// boundaries so no two threads ever write to one cache line.
import type { DenseActivation } from '../fused-dense';

export interface DenseLayerLayout {
  name: string;
  inputs: number;
  units: number;
  activation: DenseActivation;
  trainable: boolean;
  hasBias: boolean;
  /** Float index of the kernel [inputs, units] (row-major) in the weights and gradients. */
  kernel: number;
  /** Float index of the bias [units], or -1. */
  bias: number;
}

export interface DenseOptimizerConfig {
  name: 'adam' | 'sgd' | 'rmsprop';
  learningRate: number;
  /** Adam. */
  beta1: number;
  beta2: number;
  /** Adam and RMSProp. */
  epsilon: number;
  /** RMSProp. */
  decay: number;
  momentum: number;
}

/** Slot i: shard i's gradients, and thread i's working buffers. */
export interface ThreadBuffers {
  /** Byte offset of shard i's gradients (trainableCount floats). */
  gradients: number;
  /** Byte offsets of each layer's output for the shard thread i is computing (maxShard × units). */
  activations: number[];
  /** Two byte offsets of maxShard × widest-layer floats: the backward pass's deltas, alternately. */
  deltas: [number, number];
}

export interface DenseLayout {
  layers: DenseLayerLayout[];
  inputSize: number;
  classes: number;
  threads: number;
  maxBatch: number;
  maxShard: number;
  /** Floats of trainable weights (the optimizer's and the gradients' length). */
  trainableCount: number;
  /** Floats of all weights. */
  weightCount: number;
  optimizer: DenseOptimizerConfig;
  /** The loss's clipping ε (the tfjs backend's), as tfjs-layers' cross-entropy uses it. */
  epsilon: number;
  // Byte offsets.
  control: number;
  /** Float32 per-step scalars the coordinator writes for the update (Adam's 1 − βᵗ). */
  scalars: number;
  /** Float64 [lossSum, correct] of shard i and the penalty share of thread i's update, 64 bytes apart. */
  stats: number;
  /** UTF-8 message of the first failure in any thread. */
  failure: number;
  weights: number;
  /** Optimizer state: Adam's m and v, RMSProp's mean squares and moments (trainableCount floats each). */
  state: [number, number];
  /** With an L2 / L2-SP penalty: per trainable float its reference value and coefficient. */
  penalty: { reference: number; coefficient: number } | null;
  batchX: number;
  batchY: number;
  perThread: ThreadBuffers[];
  /** Bytes from one shard's gradients to the next shard's. */
  gradientStride: number;
  bytes: number;
}

/** Int32 control words, each thread's on its own cache line (16 words). */
export const CONTROL = {
  /** The step the coordinator has started and how many threads work in it (stepWord). */
  step: 0,
  command: 1,
  /** Samples in the whole batch. */
  batch: 2,
  /** 1 once any thread failed (the message is at layout.failure). */
  failed: 3,
  /** Per shard / thread i, at (i + 1) · 16: shard i's rows, and thread i's progress. */
  from: 0,
  count: 1,
  gradientsDone: 2,
  updateDone: 3,
  lineWords: 16,
} as const;
/** The step word holds the active count in 4 bits. */
export const MAX_THREADS = 15;
export const COMMAND_RUN = 0;
export const COMMAND_EXIT = 1;
export const FAILURE_BYTES = 1024;

/**
 * The step word: step number and active thread count in one int32, published atomically, so a
 * thread never pairs a step with another step's thread count.
 */
export function stepWord(step: number, active: number): number {
  return step * 16 + active;
}

export function readStepWord(word: number): { step: number; active: number } {
  return { step: Math.floor(word / 16), active: word % 16 };
}

/** Word index of a per-thread control word. */
export function threadWord(thread: number, word: number): number {
  return (thread + 1) * CONTROL.lineWords + word;
}

export interface LayoutInput {
  layers: Omit<DenseLayerLayout, 'kernel' | 'bias'>[];
  classes: number;
  threads: number;
  maxBatch: number;
  optimizer: DenseOptimizerConfig;
  epsilon: number;
  /** True when a penalty applies (its buffers are then laid out). */
  penalized: boolean;
  /** First free byte of the memory (the kernels' __heap_base). */
  heapBase: number;
}

/** Assigns every buffer its place; throws when the layers do not chain. */
export function layoutDenseTrainer(input: LayoutInput): DenseLayout {
  const { threads, maxBatch } = input;
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) throw new Error(`dense trainer: threads must be a whole number from 1 to ${MAX_THREADS}, got ${threads}`);
  if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new Error(`dense trainer: batch size must be a whole number ≥ 1, got ${maxBatch}`);
  const maxShard = Math.ceil(maxBatch / threads);
  const layers: DenseLayerLayout[] = input.layers.map((l) => ({ ...l, kernel: -1, bias: -1 }));
  layers.forEach((l, i) => {
    if (i > 0 && layers[i - 1].units !== l.inputs) {
      throw new Error(`dense trainer: layer '${l.name}' takes ${l.inputs} inputs but '${layers[i - 1].name}' gives ${layers[i - 1].units}`);
    }
  });
  let floats = 0;
  const place = (l: DenseLayerLayout) => {
    l.kernel = floats;
    floats += l.inputs * l.units;
    if (l.hasBias) {
      l.bias = floats;
      floats += l.units;
    }
  };
  layers.filter((l) => l.trainable).forEach(place);
  const trainableCount = floats;
  layers.filter((l) => !l.trainable).forEach(place);
  const widest = Math.max(...layers.map((l) => Math.max(l.inputs, l.units)));
  let next = align(input.heapBase);
  const take = (bytes: number) => {
    const at = next;
    next = align(next + bytes);
    return at;
  };
  const control = take((threads + 1) * CONTROL.lineWords * 4);
  const scalars = take(64);
  const stats = take(threads * 64);
  const failure = take(FAILURE_BYTES);
  const weights = take(floats * 4);
  const state: [number, number] = [take(trainableCount * 4), take(trainableCount * 4)];
  const penalty = input.penalized ? { reference: take(trainableCount * 4), coefficient: take(trainableCount * 4) } : null;
  const inputSize = layers[0].inputs;
  const batchX = take(maxBatch * inputSize * 4);
  const batchY = take(maxBatch * 4);
  // Every thread's gradients back to back, gradientStride bytes apart, so one pass can sum them.
  const gradientStride = align(trainableCount * 4);
  const gradients = take(gradientStride * threads);
  const perThread: ThreadBuffers[] = [];
  for (let t = 0; t < threads; t++) {
    perThread.push({
      gradients: gradients + t * gradientStride,
      activations: layers.map((l) => take(maxShard * l.units * 4)),
      deltas: [take(maxShard * widest * 4), take(maxShard * widest * 4)],
    });
  }
  return {
    layers,
    inputSize,
    classes: input.classes,
    threads,
    maxBatch,
    maxShard,
    trainableCount: trainableCount,
    weightCount: floats,
    optimizer: input.optimizer,
    epsilon: input.epsilon,
    control,
    scalars,
    stats,
    failure,
    weights,
    state,
    penalty,
    batchX,
    batchY,
    perThread,
    gradientStride,
    bytes: next,
  };
}

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** Splits the trainable floats into one contiguous range per active thread (multiples of 16 floats). */
export function updateRange(layout: Pick<DenseLayout, 'trainableCount'>, thread: number, active: number): [number, number] {
  const chunk = Math.ceil(layout.trainableCount / active / 16) * 16;
  const from = Math.min(layout.trainableCount, thread * chunk);
  return [from, Math.min(layout.trainableCount, from + chunk)];
}
