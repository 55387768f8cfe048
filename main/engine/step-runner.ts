// How one training step is computed: on this thread with tfjs (the general case), or
// data-parallel over worker_threads (every core works; see data-parallel/). The training
// loop in train.ts sees only this interface, so progress, checkpoints and cancellation are
// the same either way.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from './rng';
import type { TrainingSpec } from './spec';
import { createDataParallelTrainer, type DataParallelTrainer } from './data-parallel/data-parallel-trainer';
import { categoricalCrossEntropy } from './losses';

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
