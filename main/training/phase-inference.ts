// The two passes of a phase that only run a model forward, on every core with a bounded
// prefetch (engine/accel/data-parallel/parallel-predict.ts): the frozen prefix over the training and
// validation data once (its features then train the layers above it), and the full model
// over the test split for the evaluation.
import * as tf from '@tensorflow/tfjs';
import type { Split } from '../engine/data/datasets/dataset';
import { createFeatureStore, type FeatureStore } from '../engine/data/datasets/feature-store';
import { createPredictPool } from '../engine/accel/data-parallel/parallel-predict';
import type { CachedTraining } from '../engine/training/feature-cache';
import type { SplitModel } from '../engine/model';

/** Below this many samples, starting threads (each rebuilds the model) costs more than it saves. */
const MIN_SAMPLES_FOR_THREADS = 256;

/** Runs `split.prefix` over train and validation once, on `threads` threads. */
export async function streamFrozenFeatures(
  split: SplitModel,
  featureShape: number[],
  data: { train: Split; validation?: Split },
  inputShape: number[],
  threads: number,
  isCancelled: () => boolean,
): Promise<CachedTraining & { threads: number; onDisk: boolean; dispose: () => void }> {
  const count = data.train.y.length + (data.validation?.y.length ?? 0);
  const pool = await createPredictPool(split.prefix, inputShape, { threads: count >= MIN_SAMPLES_FOR_THREADS ? threads : 1, backend: tf.getBackend() });
  const size = featureShape.reduce((a, b) => a * b, 1);
  // Small features stay in memory; large ones (a cut before pooling) go to a file.
  const stores: FeatureStore[] = [];
  const dispose = () => stores.forEach((s) => s.dispose());
  try {
    const features = async (s: Split): Promise<Split> => {
      const store = createFeatureStore(s.y.length, size);
      stores.push(store);
      await pool.run(s.x, { isCancelled, into: store.write });
      return { x: store.samples(), y: s.y, ids: s.ids };
    };
    const train = await features(data.train);
    const validation = data.validation ? await features(data.validation) : undefined;
    return { rest: split.rest, featureShape, train, validation, threads: pool.threads, onDisk: stores.some((s) => s.onDisk), dispose };
  } catch (error) {
    dispose();
    throw error;
  } finally {
    await pool.close();
  }
}

/** The full model's class probabilities for every test sample (count × classes). */
export async function streamEvaluation(
  model: tf.LayersModel,
  test: Split,
  inputShape: number[],
  threads: number,
  isCancelled: () => boolean,
): Promise<{ values: Float32Array; threads: number }> {
  const pool = await createPredictPool(model, inputShape, { threads: test.y.length >= MIN_SAMPLES_FOR_THREADS ? threads : 1, backend: tf.getBackend() });
  try {
    return { values: await pool.run(test.x, { isCancelled }), threads: pool.threads };
  } finally {
    await pool.close();
  }
}
