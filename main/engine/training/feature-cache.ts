// Frozen-feature caching. When the frozen layers are a prefix of a chain-shaped model, their
// output for a sample never changes during fine-tuning; running them every epoch is wasted
// work (for seed-cnn with its convolution frozen, nearly all of it). So the prefix runs once
// per split (train, validation) and the remaining layers train on those features.
//
// The halves from splitAtLayer share the model's layer objects, so training `rest` trains the
// model's own unfrozen weights: evaluation and saving afterwards use the full model.
// Results equal training the full model with the prefix frozen (tests check this): frozen
// layers are not updated there either, and frozen batch-norm runs in inference mode in both.
// Random augmentation changes the inputs every epoch, so it turns caching off.
import * as tf from '@tensorflow/tfjs';
import { inferenceForward } from '../accel/folded-inference';
import type { Split } from '../data/datasets/dataset';
import { sampleSize } from '../data/datasets/dataset';
import { floatSamples } from '../data/datasets/samples';
import { forEachBatch } from '../data/batch-queue';
import { isFrozenPrefix, splitAtLayer, type SplitModel } from '../model';

/**
 * Features above this size are not cached. Large ones are kept on disk
 * (datasets/feature-store.ts), so this bounds the temporary file, not memory.
 */
export const FEATURE_CACHE_LIMIT_BYTES = 16 * 1024 * 1024 * 1024;

export type FeatureCachePlan =
  | { cached: true; cutLayer: string; featureShape: number[]; note: string }
  | { cached: false; note?: string };

/** Decides whether to cache and says why in a note for the run; runs nothing. */
export function planFeatureCache(
  model: tf.LayersModel,
  frozenLayers: readonly string[],
  options: { augmentationOn: boolean; trainCount: number; validationCount: number },
): FeatureCachePlan {
  if (frozenLayers.length === 0) return { cached: false };
  if (options.augmentationOn) return { cached: false, note: 'augmentation on: frozen-feature cache off' };
  if (!isFrozenPrefix(model, frozenLayers)) {
    return { cached: false, note: 'frozen layers are not a prefix of a single chain of layers: frozen-feature cache off' };
  }
  const cutLayer = frozenLayers[frozenLayers.length - 1];
  const featureShape = model.getLayer(cutLayer).outputShape.slice(1) as number[];
  if (featureShape.some((d) => d == null)) return { cached: false, note: `output of ${cutLayer} has an unknown size: frozen-feature cache off` };
  const bytes = (options.trainCount + options.validationCount) * sampleSize(featureShape) * 4;
  if (bytes > FEATURE_CACHE_LIMIT_BYTES) {
    const mb = (b: number) => `${Math.round(b / 2 ** 20)} MB`;
    return { cached: false, note: `frozen-feature cache off: the features would take ${mb(bytes)} (limit ${mb(FEATURE_CACHE_LIMIT_BYTES)})` };
  }
  const range = frozenLayers.length === 1 ? cutLayer : `${frozenLayers[0]}..${cutLayer}`;
  return {
    cached: true,
    cutLayer,
    featureShape,
    note: `frozen-feature cache: ${range} computed once per split (${options.trainCount} train, ${options.validationCount} val)`,
  };
}

/** Runs `prefix` over every sample of a split (inference mode), keeping labels and ids. */
export async function computeFeatures(prefix: tf.LayersModel, split: Split, inputShape: number[], batchSize = 128): Promise<Split> {
  const count = split.y.length;
  const inSize = sampleSize(inputShape);
  const outShape = prefix.outputs[0].shape.slice(1) as number[];
  const outSize = sampleSize(outShape);
  const x = new Float32Array(count * outSize);
  if (split.x.size !== inSize) throw new Error(`computeFeatures: samples have ${split.x.size} values, expected shape [${inputShape.join(', ')}]`);
  // Batch normalisation folded into the convolutions: prefix.predict's values, fewer passes.
  const inference = inferenceForward(prefix);
  try {
    await forEachBatch(split.x, count, batchSize, async (batch, n, start) => {
      const features = tf.tidy(() => inference.forward(tf.tensor(batch, [n, ...inputShape])));
      x.set(await features.data(), start * outSize);
      features.dispose();
    });
  } finally {
    inference.dispose();
  }
  return { x: floatSamples(x, outSize), y: split.y, ids: split.ids };
}

export interface CachedTraining {
  /** The layers above the cut, sharing the full model's weights: train this. */
  rest: tf.LayersModel;
  featureShape: number[];
  train: Split;
  validation?: Split;
}

/** Splits the model at the plan's cut and computes the features of each split once. */
export async function cacheFrozenFeatures(
  model: tf.LayersModel,
  plan: Extract<FeatureCachePlan, { cached: true }>,
  data: { train: Split; validation?: Split },
  inputShape: number[],
  /** The model already split at the plan's cut (splitAtLayer), to reuse. */
  split: SplitModel = splitAtLayer(model, plan.cutLayer),
): Promise<CachedTraining> {
  const { prefix, rest } = split;
  const train = await computeFeatures(prefix, data.train, inputShape);
  const validation = data.validation ? await computeFeatures(prefix, data.validation, inputShape) : undefined;
  return { rest, featureShape: plan.featureShape, train, validation };
}
