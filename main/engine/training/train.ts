// The training loop used for source training, fine-tuning and the from-scratch baseline.
// A custom loop rather than model.fit: it lets fine-tuning add a penalty toward the source
// weights (L2-SP), keeps frozen batch-norm layers in inference mode, and reads metrics
// without a synchronous device read on every step (progress is throttled).
import * as tf from '@tensorflow/tfjs';
import { trainingForward } from '../accel/training-forward';
import type { Split } from '../data/datasets/dataset';
import { sampleSize } from '../data/datasets/dataset';
import type { TrainingSpec } from '@contract/spec';
import { gatherRows, pickSamples } from '../data/datasets/samples';
import { BatchQueue } from '../data/batch-queue';
import { createRng, shuffledIndices, type Rng } from '../rng';
import { createStepRunner, planParallelism, type StepPlan } from './step-runner';
import { createOptimizer } from './optimizers/create-optimizer';
import type { PenaltyTerm } from './regularization';
import { assertWebgpuHealthy, raceWebgpuFault } from '../accel/webgpu';

// Step progress and epoch metrics are declared once, in the contract, as the faces show them.
import type { EpochMetrics, StepProgress } from '@contract/results';
export type { EpochMetrics, StepProgress };

/** What a checkpoint needs after an epoch: the metrics, the optimizer and the early-stopping state. */
export interface EpochEnd {
  metrics: EpochMetrics;
  optimizer: tf.Optimizer;
  /** The monitored value (validation loss, or training loss without validation) of this epoch. */
  monitored: number;
  /** True when this epoch has the lowest monitored value so far. */
  improved: boolean;
  earlyStopping: EarlyStoppingState;
}

/** Early-stopping bookkeeping, saved with checkpoints so a resumed run stops where the original would have. */
export interface EarlyStoppingState {
  best: number;
  sinceBest: number;
}

/** An optimizer's state as plain arrays (tf.Optimizer.getWeights, in order), for checkpoints. */
export interface OptimizerStateEntry {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface TrainCallbacks {
  onStep?: (progress: StepProgress) => void;
  onEpoch?: (metrics: EpochMetrics) => void | Promise<void>;
  /** Awaited after every completed epoch (after onEpoch); checkpoints are written here. */
  afterEpoch?: (end: EpochEnd) => Promise<void>;
  /** Polled between steps; true stops training after the current step. */
  shouldStop?: () => boolean;
}

export interface TrainOptions {
  /** Seeds the shuffling of every epoch. */
  seed: number;
  inputShape: number[];
  numClasses: number;
  /** An extra loss term (e.g. L2-SP), added inside the gradient tape. */
  penalty?: () => tf.Scalar;
  /** The same penalty as terms (regularization.ts), so the dense trainer can apply it too. */
  penaltyTerms?: readonly PenaltyTerm[];
  /** Transforms a training batch (random augmentation); never applied to validation. */
  augment?: (xs: tf.Tensor4D, rng: Rng) => tf.Tensor4D;
  /**
   * Runs the model on a training batch. Defaults to model.apply(xs, {training: true});
   * fine-tuning passes one that keeps frozen batch-norm layers in inference mode.
   */
  forward?: (xs: tf.Tensor) => tf.Tensor;
  callbacks?: TrainCallbacks;
  /** Minimum milliseconds between step progress reports. */
  progressIntervalMs?: number;
  /** Epoch to start counting from (resume / train more). */
  firstEpoch?: number;
  /** Optimizer state to continue from (a checkpoint's); a fresh optimizer otherwise. */
  optimizerState?: OptimizerStateEntry[];
  /** Early-stopping state to continue from. */
  earlyStopping?: EarlyStoppingState;
  /**
   * Threads to train with. Above 1, on the wasm or cpu backends, steps run data-parallel
   * over worker_threads when the step allows it (see chooseParallelism); default 1.
   */
  threads?: number;
  /** The built data-parallel replica entry (default: beside the running bundle). */
  replicaFile?: string;
  /** The built dense-trainer thread entry (default: beside the running bundle). */
  denseThreadFile?: string;
  /**
   * How steps are computed, when the caller has planned it already (the worker plans once,
   * to record it in the run's notes); planned here from `threads` otherwise.
   */
  plan?: StepPlan;
}

export interface TrainResult {
  epochs: EpochMetrics[];
  /** Threads that computed each step (above 1: data-parallel). */
  threads: number;
  stoppedEarly: boolean;
  cancelled: boolean;
}

/**
 * Copies the rows `indices[from..to)` of a split into one contiguous batch: into `into` when
 * given (views of its first rows are returned; it must hold to − from rows), else new arrays.
 */
export function gatherBatch(
  split: Split,
  indices: Int32Array,
  from: number,
  to: number,
  size: number,
  into?: { x: Float32Array; y: Int32Array },
): { x: Float32Array; y: Int32Array } {
  const n = to - from;
  if (split.x.size !== size) throw new Error(`gatherBatch: samples have ${split.x.size} values, expected ${size}`);
  const x = gatherRows(split.x, indices, from, to, into?.x ?? new Float32Array(n * size));
  const y = into ? into.y.subarray(0, n) : new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = split.y[indices[from + i]];
  return { x, y };
}

/** Holds out the last `fraction` of a seeded shuffle as the validation split (index views, no copy). */
export function splitValidation(split: Split, fraction: number, seed: number, inputShape: number[]): { train: Split; validation?: Split } {
  const count = split.y.length;
  const valCount = Math.floor(count * fraction);
  if (fraction <= 0 || valCount === 0 || valCount >= count) return { train: split };
  const order = shuffledIndices(count, createRng(seed ^ 0x5eed));
  if (split.x.size !== sampleSize(inputShape)) throw new Error(`splitValidation: samples have ${split.x.size} values, expected shape [${inputShape.join(', ')}]`);
  const take = (from: number, to: number): Split => {
    const rows = order.subarray(from, to);
    return { x: pickSamples(split.x, rows), y: Int32Array.from(rows, (r) => split.y[r]), ids: Array.from(rows, (r) => split.ids[r]) };
  };
  return { train: take(0, count - valCount), validation: take(count - valCount, count) };
}

/** Mean loss and accuracy of a model on a split, in inference mode. */
export async function measure(model: tf.LayersModel, split: Split, inputShape: number[], numClasses: number, batchSize = 256): Promise<{ loss: number; accuracy: number }> {
  const count = split.y.length;
  if (split.x.size !== sampleSize(inputShape)) throw new Error(`measure: samples have ${split.x.size} values, expected shape [${inputShape.join(', ')}]`);
  let lossSum = tf.scalar(0);
  let correctSum = tf.scalar(0);
  const queue = new BatchQueue(split.x, { batchSize, labels: split.y, depth: 2 });
  queue.start(null, count);
  try {
    for (let batch = await queue.next(); batch; batch = await queue.next()) {
      const { x, y, n } = batch;
      const [l, c] = tf.tidy(() => {
        const xs = tf.tensor(x, [n, ...inputShape]);
        const labels = tf.tensor1d(y, 'int32');
        const pred = model.predict(xs) as tf.Tensor2D;
        const loss = tf.metrics.categoricalCrossentropy(tf.oneHot(labels, numClasses), pred).sum();
        const correct = pred.argMax(1).equal(labels).sum().cast('float32');
        return [lossSum.add(loss), correctSum.add(correct)];
      });
      queue.release(batch);
      lossSum.dispose();
      correctSum.dispose();
      lossSum = l as tf.Scalar;
      correctSum = c as tf.Scalar;
    }
  } catch (error) {
    lossSum.dispose();
    correctSum.dispose();
    throw error;
  } finally {
    await queue.stop();
  }
  const [loss, correct] = await Promise.all([lossSum.data(), correctSum.data()]);
  lossSum.dispose();
  correctSum.dispose();
  return { loss: count ? loss[0] / count : 0, accuracy: count ? correct[0] / count : 0 };
}

/**
 * The seed of one epoch's shuffle (and augmentation): derived from the run's seed and the
 * epoch number rather than drawn from one stream, so a run resumed at epoch k shuffles
 * exactly as the uninterrupted run would have.
 */
export function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(epoch, 0xc2b2ae35)) >>> 0;
}

/** Reads an optimizer's state into plain arrays (the tensors stay owned by the optimizer). */
export async function readOptimizerState(optimizer: tf.Optimizer): Promise<OptimizerStateEntry[]> {
  const named = await optimizer.getWeights();
  const entries: OptimizerStateEntry[] = [];
  for (const { name, tensor } of named) {
    entries.push({ name, shape: tensor.shape.slice(), values: Float32Array.from(await tensor.data()) });
  }
  // getWeights creates the iteration-count scalar afresh; the other tensors are the optimizer's own variables.
  for (const { name, tensor } of named) if (name === 'iter') tensor.dispose();
  return entries;
}

async function restoreOptimizerState(optimizer: tf.Optimizer, state: OptimizerStateEntry[]): Promise<void> {
  const named = state.map((entry) => ({ name: entry.name, tensor: tf.tensor(entry.values, entry.shape) }));
  // The optimizer turns each tensor into its own variable (sharing the data), so ours can go.
  await optimizer.setWeights(named);
  for (const { tensor } of named) tensor.dispose();
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/**
 * Longest the loop computes without letting the event loop run (messages such as cancel,
 * progress sends). Yielding after every step cost ~15 % of a dense model's sub-millisecond step.
 */
const YIELD_INTERVAL_MS = 10;

/**
 * Trains `model` in place on `train`, validating on `validation` after every epoch.
 * Only the model's trainable weights are updated.
 */
export async function trainModel(
  model: tf.LayersModel,
  data: { train: Split; validation?: Split },
  training: TrainingSpec,
  options: TrainOptions,
): Promise<TrainResult> {
  const { inputShape, numClasses, callbacks = {} } = options;
  const size = sampleSize(inputShape);
  const count = data.train.y.length;
  if (count === 0) throw new Error('The training split is empty: nothing to train on.');
  if (data.train.x.size !== size) throw new Error(`trainModel: samples have ${data.train.x.size} values, expected shape [${inputShape.join(', ')}]`);
  const batchSize = Math.min(training.batchSize, count);
  const stepsPerEpoch = Math.ceil(count / batchSize);
  const optimizer = createOptimizer(training);
  // Flatten/Dense and Conv2D/MaxPool/Dense chains get a fused forward (same results, far fewer kernels on wasm).
  const forward = options.forward ?? trainingForward(model);
  if (options.optimizerState && options.optimizerState.length > 0) await restoreOptimizerState(optimizer, options.optimizerState);
  const backend = tf.getBackend();
  const plan = options.plan ?? planParallelism(model, options.threads ?? 1, backend, { ...options, optimizer: training.optimizer, batchSize });
  const runner = await createStepRunner(
    training,
    { model, optimizer, inputShape, numClasses, forward, penalty: options.penalty, penaltyTerms: options.penaltyTerms, augment: options.augment },
    { ...plan, maxBatch: batchSize, backend: backend as 'wasm' | 'cpu', replicaFile: options.replicaFile, denseThreadFile: options.denseThreadFile },
  );
  const progressInterval = options.progressIntervalMs ?? 250;
  const firstEpoch = options.firstEpoch ?? 1;

  const epochs: EpochMetrics[] = [];
  let best = options.earlyStopping?.best ?? Number.POSITIVE_INFINITY;
  let sinceBest = options.earlyStopping?.sinceBest ?? 0;
  let stoppedEarly = false;
  let cancelled = false;
  let globalStep = 0;
  const started = performance.now();
  let lastReport = 0;
  let lastYield = started;
  // Each epoch's batches, read ahead from disk while a step computes (in memory: gathered per
  // step into the runner's own buffer when it has one). Runners copy a batch before run()
  // returns, so it is released right after.
  const queue = new BatchQueue(data.train.x, { batchSize, labels: data.train.y, syncBuffer: runner.batchBuffer });

  try {
    for (let e = 0; e < training.epochs && !cancelled && !stoppedEarly; e++) {
      const epoch = firstEpoch + e;
      const epochStart = performance.now();
      const rng = createRng(epochSeed(options.seed, epoch));
      const order = shuffledIndices(count, rng);
      queue.start(order);
      let seen = 0;
      for (let step = 0; step < stepsPerEpoch; step++) {
        const batch = (await queue.next())!;
        const n = batch.n;
        runner.run(batch.x, batch.y, n, rng);
        queue.release(batch);
        seen += n;
        globalStep += 1;

        const now = performance.now();
        const lastStepOfEpoch = step === stepsPerEpoch - 1;
        if (callbacks.onStep && (now - lastReport >= progressInterval || lastStepOfEpoch)) {
          lastReport = now;
          const last = await raceWebgpuFault(runner.lastStep());
          const elapsed = now - started;
          const totalSteps = training.epochs * stepsPerEpoch;
          callbacks.onStep({
            epoch,
            step: step + 1,
            stepsPerEpoch,
            globalStep,
            loss: last.loss,
            accuracy: last.correct / n,
            samplesPerSec: (seen / (now - epochStart)) * 1000,
            etaMs: (elapsed / globalStep) * (totalSteps - globalStep),
          });
        }
        if (now - lastYield < YIELD_INTERVAL_MS && !lastStepOfEpoch) continue;
        await yieldToEventLoop();
        // A lost GPU device or an out-of-memory error ends the run with that reason (webgpu only).
        assertWebgpuHealthy();
        lastYield = performance.now();
        if (callbacks.shouldStop?.()) {
          cancelled = true;
          break;
        }
      }
      await queue.stop();
      const totals = await raceWebgpuFault(runner.takeTotals());
      assertWebgpuHealthy();
      if (cancelled) break;
      runner.sync();
      const trainSeconds = (performance.now() - epochStart) / 1000;
      const metrics: EpochMetrics = {
        epoch,
        durationMs: 0,
        loss: totals.lossSum / seen,
        accuracy: totals.correct / seen,
        samplesPerSec: seen / trainSeconds,
      };
      if (data.validation && data.validation.y.length > 0) {
        const val = await raceWebgpuFault(measure(model, data.validation, inputShape, numClasses));
        metrics.valLoss = val.loss;
        metrics.valAccuracy = val.accuracy;
      }
      metrics.durationMs = performance.now() - epochStart;
      epochs.push(metrics);
      await callbacks.onEpoch?.(metrics);

      // The best epoch is tracked always (checkpoints keep it); it stops training only with earlyStopping.
      const monitored = metrics.valLoss ?? metrics.loss;
      const improved = monitored < best - 1e-6;
      if (improved) {
        best = monitored;
        sinceBest = 0;
      } else {
        sinceBest += 1;
        if (training.earlyStopping && sinceBest >= training.earlyStopping.patience) stoppedEarly = true;
      }
      await callbacks.afterEpoch?.({ metrics, optimizer: runner.optimizer, monitored, improved, earlyStopping: { best, sinceBest } });
      if (callbacks.shouldStop?.()) cancelled = true;
    }
  } finally {
    // No read may still be writing into a batch buffer (the dense trainer's memory included) once the runner closes.
    await queue.stop();
    await runner.close();
  }
  return { epochs, threads: runner.replicas, stoppedEarly, cancelled };
}
