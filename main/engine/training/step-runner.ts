// How one training step is computed: on this thread with tfjs (the general case);
// data-parallel over worker_threads, each with its own tfjs (convolutional models; see
// data-parallel/); or by the dense trainer, outside tfjs on every core (Flatten/Dense models;
// see dense-trainer/). The training loop in train.ts sees only this interface, so progress,
// checkpoints and cancellation are the same either way.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import type { TrainingSpec } from '@contract/spec';
import type { PenaltyTerm } from './regularization';
import { createDataParallelTrainer, type DataParallelTrainer } from '../accel/data-parallel/data-parallel-trainer';
import { createDenseTrainer, denseModelUnsupported, type DenseTrainer } from '../accel/dense-trainer/dense-trainer';
import { MAX_THREADS as DENSE_MAX_THREADS } from '../accel/dense-trainer/dense-layout';
import { categoricalCrossEntropy } from './losses';

export interface StepRunner {
  /** The optimizer whose state checkpoints save. */
  readonly optimizer: tf.Optimizer;
  /** Replicas computing each step (1 on this thread alone). */
  readonly replicas: number;
  /**
   * Trains on one batch (x flat, n samples). Keeps no reference to x or y once it returns:
   * the loop reuses their buffers for batches read ahead (data/batch-queue.ts).
   */
  run(x: Float32Array, y: Int32Array, n: number, rng: Rng): void;
  /** Loss and correct count of the last step (read for progress reports only). */
  lastStep(): Promise<{ loss: number; correct: number }>;
  /** Summed loss and correct count since the last call; resets them. */
  takeTotals(): Promise<{ lossSum: number; correct: number }>;
  /** Makes the model's weights and the optimizer's state current (before validation and checkpoints). */
  sync(): void;
  /** Where the loop may gather each batch so run() need not copy it (the dense trainer's shared memory). */
  readonly batchBuffer?: { x: Float32Array; y: Int32Array };
  close(): Promise<void>;
}

export interface LocalStepOptions {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  inputShape: number[];
  numClasses: number;
  forward: (xs: tf.Tensor) => tf.Tensor;
  penalty?: () => tf.Scalar;
  augment?: (xs: tf.Tensor4D, rng: Rng) => tf.Tensor4D;
}

/**
 * tfjs on this thread. On GPU-like backends loss and accuracy stay on the device as running
 * sums, read only when progress is reported and once per epoch, never synchronously every
 * step. On wasm and cpu the tensors are host memory, so each step's two scalars are read at
 * once and summed here (as float32, like the device sums), saving the summing kernels.
 */
export function localStepRunner(o: LocalStepOptions): StepRunner {
  const trainable = o.model.trainableWeights.map((w) => w.read() as tf.Variable);
  const sums = runningSums();
  return {
    optimizer: o.optimizer,
    replicas: 1,
    run(x, y, n, rng) {
      const [stepLoss, stepCorrect] = tf.tidy(() => {
        let xs = tf.tensor(x, [n, ...o.inputShape]);
        if (o.augment) xs = o.augment(xs as tf.Tensor4D, rng);
        let correct: tf.Scalar | undefined;
        const loss = o.optimizer.minimize(() => {
          const pred = o.forward(xs) as tf.Tensor2D;
          const data = categoricalCrossEntropy(pred, y);
          correct = tf.keep(data.correct);
          return o.penalty ? data.loss.add(o.penalty()) : data.loss;
        }, true, trainable) as tf.Scalar;
        return [loss, correct as tf.Scalar];
      });
      sums.add(stepLoss, stepCorrect, n);
    },
    lastStep: () => sums.last(),
    takeTotals: () => sums.take(),
    sync() {},
    async close() {
      sums.dispose();
      o.optimizer.dispose();
    },
  };
}

interface RunningSums {
  /** Takes ownership of one step's mean loss and correct count (n samples). */
  add(loss: tf.Scalar, correct: tf.Scalar, n: number): void;
  last(): Promise<{ loss: number; correct: number }>;
  take(): Promise<{ lossSum: number; correct: number }>;
  dispose(): void;
}

const f32 = Math.fround;

/** Summed loss (loss × n per step) and correct counts: as numbers on host backends, as device scalars elsewhere. */
function runningSums(): RunningSums {
  const backend = tf.getBackend();
  if (backend === 'wasm' || backend === 'cpu') {
    let last = { loss: 0, correct: 0 };
    let lossSum = 0;
    let correct = 0;
    return {
      add(loss, stepCorrect, n) {
        last = { loss: loss.dataSync()[0], correct: stepCorrect.dataSync()[0] };
        loss.dispose();
        stepCorrect.dispose();
        lossSum = f32(lossSum + f32(last.loss * n));
        correct += last.correct;
      },
      last: async () => last,
      async take() {
        const totals = { lossSum, correct };
        lossSum = 0;
        correct = 0;
        return totals;
      },
      dispose() {},
    };
  }
  let lossSum = tf.scalar(0);
  let correctSum = tf.scalar(0);
  let last: [tf.Scalar, tf.Scalar] | undefined;
  return {
    add(loss, correct, n) {
      const [nextLoss, nextCorrect] = tf.tidy(() => [lossSum.add(loss.mul(n)), correctSum.add(correct)]);
      lossSum.dispose();
      correctSum.dispose();
      last?.forEach((t) => t.dispose());
      lossSum = nextLoss as tf.Scalar;
      correctSum = nextCorrect as tf.Scalar;
      last = [loss, correct];
    },
    async last() {
      if (!last) return { loss: 0, correct: 0 };
      const [l, c] = await Promise.all([last[0].data(), last[1].data()]);
      return { loss: l[0], correct: c[0] };
    },
    async take() {
      const [l, c] = await Promise.all([lossSum.data(), correctSum.data()]);
      lossSum.dispose();
      correctSum.dispose();
      lossSum = tf.scalar(0);
      correctSum = tf.scalar(0);
      return { lossSum: l[0], correct: c[0] };
    },
    dispose() {
      lossSum.dispose();
      correctSum.dispose();
      last?.forEach((t) => t.dispose());
    },
  };
}

/** A step function returning plain numbers (summed loss, correct count) as a StepRunner. */
function numericStepRunner(
  step: (x: Float32Array, y: Int32Array, n: number) => { lossSum: number; correct: number },
  rest: Pick<StepRunner, 'optimizer' | 'replicas' | 'sync' | 'close' | 'batchBuffer'>,
): StepRunner {
  let lastLoss = 0;
  let lastCorrect = 0;
  let lossSum = 0;
  let correct = 0;
  return {
    ...rest,
    run(x, y, n) {
      const r = step(x, y, n);
      lastLoss = r.lossSum / n;
      lastCorrect = r.correct;
      lossSum += r.lossSum;
      correct += r.correct;
    },
    async lastStep() {
      return { loss: lastLoss, correct: lastCorrect };
    },
    async takeTotals() {
      const totals = { lossSum, correct };
      lossSum = 0;
      correct = 0;
      return totals;
    },
  };
}

/** Data-parallel over worker_threads; the coordinator's model is always current. */
export function dataParallelStepRunner(trainer: DataParallelTrainer): StepRunner {
  return numericStepRunner((x, y, n) => trainer.step(x, y, n), {
    optimizer: trainer.optimizer,
    replicas: trainer.replicas,
    sync() {},
    close: () => trainer.close(),
  });
}

/** The dense trainer; its weights reach the model and optimizer on sync() and close(). */
export function denseStepRunner(trainer: DenseTrainer, optimizer: tf.Optimizer): StepRunner {
  return numericStepRunner((x, y, n) => trainer.step(x, y, n), {
    optimizer,
    replicas: trainer.threads,
    batchBuffer: trainer.batchBuffer,
    sync: () => trainer.sync(),
    async close() {
      await trainer.close();
      optimizer.dispose();
    },
  });
}

export interface ParallelChoice {
  /** Worker threads to add (0: train on this thread only). */
  workers: number;
  /** Why not, when workers is 0 although more threads were asked for. */
  reason?: string;
}

/**
 * Whether a step can run data-parallel: it needs more than one thread and a step that is
 * the same maths when split by samples — no penalty term or random augmentation computed
 * on this thread only, and no optimizer state to restore (replicas start fresh).
 */
export function chooseParallelism(
  threads: number,
  o: { penalty?: unknown; augment?: unknown; forward?: unknown; optimizerState?: unknown[]; frozenBatchNorm?: boolean },
): ParallelChoice {
  if (threads <= 1) return { workers: 0 };
  if (o.frozenBatchNorm) return { workers: 0, reason: 'frozen batch normalisation must run in inference mode' };
  if (o.penalty) return { workers: 0, reason: 'a regularisation penalty is on' };
  if (o.augment) return { workers: 0, reason: 'augmentation is on' };
  if (o.forward) return { workers: 0, reason: 'a custom forward pass is used' };
  if (o.optimizerState && o.optimizerState.length > 0) return { workers: 0, reason: 'the run continues from a checkpoint' };
  return { workers: threads - 1 };
}

export interface ParallelismInputs {
  /** The optimizer by name (the dense trainer takes Adam, SGD and RMSProp). */
  optimizer?: TrainingSpec['optimizer'];
  /** Samples per step; the dense trainer gives each thread at least MIN_DENSE_SHARD of them. */
  batchSize?: number;
  penalty?: unknown;
  /** The penalty as terms: with them the dense trainer can apply the penalty itself. */
  penaltyTerms?: readonly PenaltyTerm[];
  augment?: unknown;
  forward?: unknown;
  optimizerState?: unknown[];
  /** True when the frozen layers are a cached prefix, so none of them runs in training. */
  frozenPrefixCached?: boolean;
}

export interface StepPlan extends ParallelChoice {
  /** Who computes the steps. */
  kind: 'local' | 'data-parallel' | 'dense';
  /** Threads computing each step. */
  threads: number;
  /** A sentence for the run's notes. */
  description: string;
}

/**
 * Fewest samples per dense-trainer thread. Measured on the MLP (2 cores): batch 16 on 2
 * threads was 13 % faster than on 1, batch 8 4 % slower (the barriers cost more than the halves).
 */
export const MIN_DENSE_SHARD = 8;

/** Why the dense trainer cannot train `model` with these inputs, or undefined when it can. */
function denseUnsupported(model: tf.LayersModel, o: ParallelismInputs): string | undefined {
  const reason = denseModelUnsupported(model);
  if (reason) return reason;
  if (o.optimizer === 'adadelta') return 'the Adadelta optimizer is not supported by it';
  if (o.penalty && !o.penaltyTerms) return 'the regularisation penalty is not given as terms';
  if (o.augment) return 'augmentation is on';
  if (o.forward) return 'a custom forward pass is used';
  return undefined;
}

/**
 * How `model`'s steps will be computed with `threads` threads on `backend`, and a sentence for
 * the run's notes. Native TensorFlow backends use every core already. On wasm and cpu: the
 * dense trainer for Flatten/Dense models; data-parallel tfjs replicas for convolutional ones
 * (for small dense models exchanging gradients between tfjs replicas cost more than it gained).
 */
export function planParallelism(model: tf.LayersModel, threads: number, backend: string, o: ParallelismInputs): StepPlan {
  if (backend !== 'wasm' && backend !== 'cpu') return { kind: 'local', threads: 1, workers: 0, description: `training on the ${backend} backend` };
  const notDense = denseUnsupported(model, o);
  if (notDense === undefined) {
    // The dense trainer's shared memory has room for DENSE_MAX_THREADS shares; a spec may ask for more threads.
    const wanted = Math.min(threads, DENSE_MAX_THREADS);
    const used = o.batchSize === undefined ? wanted : Math.max(1, Math.min(wanted, Math.floor(o.batchSize / MIN_DENSE_SHARD)));
    return { kind: 'dense', threads: used, workers: used - 1, description: `dense trainer (outside tfjs) on ${used} thread${used === 1 ? '' : 's'}` };
  }
  const convolutional = model.layers.some((l) => l.getClassName().startsWith('Conv') && l.trainable);
  if (!convolutional) {
    return { kind: 'local', threads: 1, workers: 0, description: `training on one thread (not the dense trainer: ${notDense})` };
  }
  const frozenBatchNorm = !o.frozenPrefixCached && model.layers.some((l) => l.getClassName() === 'BatchNormalization' && !l.trainable);
  const choice = chooseParallelism(threads, { ...o, frozenBatchNorm });
  const description = choice.workers > 0
    ? `data-parallel training over ${choice.workers + 1} threads`
    : `training on one thread${choice.reason ? ` (not data-parallel: ${choice.reason})` : ''}`;
  return { ...choice, kind: choice.workers > 0 ? 'data-parallel' : 'local', threads: choice.workers + 1, description };
}

export async function createStepRunner(
  training: Pick<TrainingSpec, 'optimizer' | 'learningRate'>,
  local: LocalStepOptions & { penaltyTerms?: readonly PenaltyTerm[] },
  plan: Pick<StepPlan, 'kind' | 'threads'> & { maxBatch: number; backend: 'wasm' | 'cpu'; replicaFile?: string; denseThreadFile?: string },
): Promise<StepRunner> {
  if (plan.kind === 'dense') {
    const trainer = await createDenseTrainer(local.model, local.optimizer, {
      threads: plan.threads,
      maxBatch: plan.maxBatch,
      penalty: local.penaltyTerms,
      threadFile: plan.denseThreadFile,
    });
    return denseStepRunner(trainer, local.optimizer);
  }
  if (plan.kind === 'local') return localStepRunner(local);
  local.optimizer.dispose();
  const trainer = await createDataParallelTrainer(local.model, {
    workers: plan.threads - 1,
    optimizer: { name: training.optimizer, learningRate: training.learningRate },
    inputShape: local.inputShape,
    numClasses: local.numClasses,
    maxBatch: plan.maxBatch,
    backend: plan.backend,
    replicaFile: plan.replicaFile,
  });
  return dataParallelStepRunner(trainer);
}
