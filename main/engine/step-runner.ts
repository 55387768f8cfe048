// How one training step is computed: on this thread with tfjs (the general case), or
// data-parallel over worker_threads (every core works; see data-parallel/). The training
// loop in train.ts sees only this interface, so progress, checkpoints and cancellation are
// the same either way.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from './rng';
import type { TrainingSpec } from './spec';
import { createDataParallelTrainer, type DataParallelTrainer } from './data-parallel/data-parallel-trainer';

export interface StepRunner {
  /** The optimizer whose state checkpoints save. */
  readonly optimizer: tf.Optimizer;
  /** Replicas computing each step (1 on this thread alone). */
  readonly replicas: number;
  /** Trains on one batch (x flat, n samples). */
  run(x: Float32Array, y: Int32Array, n: number, rng: Rng): void;
  /** Loss and correct count of the last step (read for progress reports only). */
  lastStep(): Promise<{ loss: number; correct: number }>;
  /** Summed loss and correct count since the last call; resets them. */
  takeTotals(): Promise<{ lossSum: number; correct: number }>;
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
 * tfjs on this thread. Loss and accuracy stay on the device as running sums; they are read
 * only when progress is reported and once per epoch, never synchronously every step.
 */
export function localStepRunner(o: LocalStepOptions): StepRunner {
  const trainable = o.model.trainableWeights.map((w) => w.read() as tf.Variable);
  let lossSum = tf.scalar(0);
  let correctSum = tf.scalar(0);
  let last: [tf.Scalar, tf.Scalar] | undefined;
  return {
    optimizer: o.optimizer,
    replicas: 1,
    run(x, y, n, rng) {
      const [nextLoss, nextCorrect, stepLoss, stepCorrect] = tf.tidy(() => {
        let xs = tf.tensor(x, [n, ...o.inputShape]);
        if (o.augment) xs = o.augment(xs as tf.Tensor4D, rng);
        const labels = tf.tensor1d(y, 'int32');
        const ys = tf.oneHot(labels, o.numClasses);
        let correct: tf.Scalar | undefined;
        const loss = o.optimizer.minimize(() => {
          const pred = o.forward(xs) as tf.Tensor2D;
          correct = tf.keep(pred.argMax(1).equal(labels).sum().cast('float32') as tf.Scalar);
          const dataLoss = tf.metrics.categoricalCrossentropy(ys, pred).mean() as tf.Scalar;
          return o.penalty ? dataLoss.add(o.penalty()) : dataLoss;
        }, true, trainable) as tf.Scalar;
        const c = correct as tf.Scalar;
        return [lossSum.add(loss.mul(n)), correctSum.add(c), loss, c];
      });
      lossSum.dispose();
      correctSum.dispose();
      last?.forEach((t) => t.dispose());
      lossSum = nextLoss as tf.Scalar;
      correctSum = nextCorrect as tf.Scalar;
      last = [stepLoss as tf.Scalar, stepCorrect as tf.Scalar];
    },
    async lastStep() {
      if (!last) return { loss: 0, correct: 0 };
      const [l, c] = await Promise.all([last[0].data(), last[1].data()]);
      return { loss: l[0], correct: c[0] };
    },
    async takeTotals() {
      const [l, c] = await Promise.all([lossSum.data(), correctSum.data()]);
      lossSum.dispose();
      correctSum.dispose();
      lossSum = tf.scalar(0);
      correctSum = tf.scalar(0);
      return { lossSum: l[0], correct: c[0] };
    },
    async close() {
      lossSum.dispose();
      correctSum.dispose();
      last?.forEach((t) => t.dispose());
      o.optimizer.dispose();
    },
  };
}

/** Data-parallel over worker_threads; loss and accuracy come back as plain numbers. */
export function dataParallelStepRunner(trainer: DataParallelTrainer): StepRunner {
  let lastLoss = 0;
  let lastCorrect = 0;
  let lossSum = 0;
  let correct = 0;
  return {
    optimizer: trainer.optimizer,
    replicas: trainer.replicas,
    run(x, y, n) {
      const r = trainer.step(x, y, n);
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
    close: () => trainer.close(),
  };
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
  penalty?: unknown;
  augment?: unknown;
  forward?: unknown;
  optimizerState?: unknown[];
  /** True when the frozen layers are a cached prefix, so none of them runs in training. */
  frozenPrefixCached?: boolean;
}

/**
 * How a model's steps will be computed with `threads` threads on `backend`, and a sentence
 * for the run's notes. Native TensorFlow backends use every core already.
 */
export function planParallelism(model: tf.LayersModel, threads: number, backend: string, o: ParallelismInputs): ParallelChoice & { description: string } {
  if (backend !== 'wasm' && backend !== 'cpu') return { workers: 0, description: `training on the ${backend} backend` };
  const frozenBatchNorm = !o.frozenPrefixCached && model.layers.some((l) => l.getClassName() === 'BatchNormalization' && !l.trainable);
  const choice = chooseParallelism(threads, { ...o, frozenBatchNorm });
  const description = choice.workers > 0
    ? `data-parallel training over ${choice.workers + 1} threads`
    : `training on one thread${choice.reason ? ` (not data-parallel: ${choice.reason})` : ''}`;
  return { ...choice, description };
}

export async function createStepRunner(
  training: Pick<TrainingSpec, 'optimizer' | 'learningRate'>,
  local: LocalStepOptions,
  parallel: { workers: number; maxBatch: number; backend: 'wasm' | 'cpu'; replicaFile?: string },
): Promise<StepRunner> {
  if (parallel.workers <= 0) return localStepRunner(local);
  local.optimizer.dispose();
  const trainer = await createDataParallelTrainer(local.model, {
    workers: parallel.workers,
    optimizer: { name: training.optimizer, learningRate: training.learningRate },
    inputShape: local.inputShape,
    numClasses: local.numClasses,
    maxBatch: parallel.maxBatch,
    backend: parallel.backend,
    replicaFile: parallel.replicaFile,
  });
  return dataParallelStepRunner(trainer);
}
