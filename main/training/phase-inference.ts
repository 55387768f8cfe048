// The two passes of a phase that only run a model forward, on every core with a bounded
// prefetch (engine/accel/data-parallel/parallel-predict.ts): the frozen prefix over the training and
// validation data once (its features then train the layers above it), and the full model
// over the test split for the evaluation.
import * as tf from '@tensorflow/tfjs';
import type { Split } from '../engine/data/datasets/dataset';
import { createFeatureStore, type FeatureStore } from '../engine/data/datasets/feature-store';
import { createPredictPool, type PredictPool } from '../engine/accel/data-parallel/parallel-predict';
import type { OverlappedFeatures } from './overlapped-features';
import type { CachedTraining } from '../engine/training/feature-cache';
import type { SplitModel } from '../engine/model';

/** Below this many samples, starting threads (each rebuilds the model) costs more than it saves. */
const MIN_SAMPLES_FOR_THREADS = 256;

/**
 * Runs `split.prefix` over train and validation once, on `threads` threads. With `overlapped`
 * (a pass that started while the images decoded, overlapped-features.ts), the splits it
 * covers are read from it instead.
 */
export async function streamFrozenFeatures(
  split: SplitModel,
  featureShape: number[],
  data: { train: Split; validation?: Split },
  inputShape: number[],
  threads: number,
  isCancelled: () => boolean,
  overlapped?: OverlappedFeatures,
): Promise<CachedTraining & { threads: number; onDisk: boolean; dispose: () => void }> {
  const count = data.train.y.length + (data.validation?.y.length ?? 0);
  const size = featureShape.reduce((a, b) => a * b, 1);
  // Started only for a split the overlapped pass does not cover.
  let pool: PredictPool | undefined;
  let overlapThreads = 1;
  // Small features stay in memory; large ones (a cut before pooling) go to a file.
  const stores: FeatureStore[] = [];
  const dispose = () => {
    stores.forEach((s) => s.dispose());
    void overlapped?.dispose();
  };
  try {
    const features = async (s: Split): Promise<Split> => {
      const early = overlapped ? await overlapped.features(s) : null;
      if (early) {
        overlapThreads = overlapped!.threads;
        return early;
      }
      pool ??= await createPredictPool(split.prefix, inputShape, { threads: count >= MIN_SAMPLES_FOR_THREADS ? threads : 1, backend: tf.getBackend() });
      const store = createFeatureStore(s.y.length, size);
      stores.push(store);
      await pool.run(s.x, { isCancelled, into: store.write });
      return { x: store.samples(), y: s.y, ids: s.ids };
    };
    const train = await features(data.train);
    const validation = data.validation ? await features(data.validation) : undefined;
    const used = Math.max(pool?.threads ?? 1, overlapThreads);
    return { rest: split.rest, featureShape, train, validation, threads: used, onDisk: stores.some((s) => s.onDisk), dispose };
  } catch (error) {
    dispose();
    throw error;
  } finally {
    await pool?.close();
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
