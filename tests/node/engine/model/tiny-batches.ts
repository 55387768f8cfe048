// Small deterministic inputs for model tests, so every test computes on real numbers without
// depending on a dataset loader.
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../../../main/engine/rng';

/** A batch of `count` samples of `shape`, values in [0, 1), from a seeded PRNG. */
export function randomBatch(count: number, shape: number[], seed = 1): tf.Tensor {
  const rng = createRng(seed);
  const values = new Float32Array(count * shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng();
  return tf.tensor(values, [count, ...shape]);
}

/** One-hot labels cycling through the classes. */
export function cyclingLabels(count: number, numClasses: number): tf.Tensor {
  return tf.oneHot(tf.tensor1d(Array.from({ length: count }, (_, i) => i % numClasses), 'int32'), numClasses);
}

export function weightValues(layer: tf.layers.Layer): Float32Array[] {
  return layer.getWeights().map((w) => Float32Array.from(w.dataSync()));
}

export function sameValues(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((values, i) => values.length === b[i].length && values.every((v, j) => v === b[i][j]));
}

export function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** A few SGD steps with a large learning rate, so any weight that is trained visibly moves. */
export async function fitBriefly(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, epochs = 2): Promise<void> {
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
  await model.fit(x, y, { epochs, batchSize: 4, shuffle: false, verbose: 0 });
}
