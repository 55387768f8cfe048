// Shared by the fused-forward tests: the loss and gradients a training forward gives, and a
// tensor comparison within 1e-5 (float32 sums taken in another order).
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/** Mean categorical cross-entropy of `forward(xs)` against `ys`, and its gradients for the trainable weights. */
export function lossAndGrads(model: tf.LayersModel, forward: (xs: tf.Tensor) => tf.Tensor, xs: tf.Tensor, ys: tf.Tensor) {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return tf.variableGrads(() => tf.metrics.categoricalCrossentropy(ys, forward(xs) as tf.Tensor2D).mean() as tf.Scalar, vars);
}

export async function expectWithin(actual: tf.Tensor, expected: tf.Tensor, what: string) {
  expect(actual.shape, what).toEqual(expected.shape);
  const [a, e] = [await actual.data(), await expected.data()];
  let worst = 0;
  for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(a[i] - e[i]));
  expect(worst, what).toBeLessThanOrEqual(1e-5);
}
