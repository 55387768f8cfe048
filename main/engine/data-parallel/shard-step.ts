// One replica's share of a data-parallel training step, the same code on the coordinating
// thread and in every worker thread: gradients of the mean loss over a shard, written flat
// (trainable weights in order) into a buffer; and applying the averaged flat gradients
// with the replica's own optimizer. Every replica applies identical averaged gradients with
// an identically configured optimizer, so their weights stay identical without broadcasting.
import * as tf from '@tensorflow/tfjs';

export interface ShardResult {
  /** Mean loss over the shard times its size (so shards sum to the batch total). */
  lossSum: number;
  correct: number;
}

/** Number of floats in all trainable weights together (the flat gradient's length). */
export function flatSize(trainable: readonly tf.Variable[]): number {
  return trainable.reduce((a, v) => a + v.size, 0);
}

/**
 * Gradients of the mean categorical cross-entropy of `model` on the first `n` samples of
 * `x`/`y`, written into `out` (flat, in the order of `trainable`).
 */
export function shardGradients(
  model: tf.LayersModel,
  trainable: readonly tf.Variable[],
  x: Float32Array,
  y: Int32Array,
  n: number,
  inputShape: readonly number[],
  numClasses: number,
  out: Float32Array,
): ShardResult {
  const size = inputShape.reduce((a, b) => a * b, 1);
  let correctTensor: tf.Scalar | undefined;
  const { value, grads } = tf.tidy(() => {
    const xs = tf.tensor(x.subarray(0, n * size), [n, ...inputShape]);
    const labels = tf.tensor1d(y.subarray(0, n), 'int32');
    const ys = tf.oneHot(labels, numClasses);
    return tf.variableGrads(() => {
      const pred = model.apply(xs, { training: true }) as tf.Tensor2D;
      correctTensor = tf.keep(pred.argMax(1).equal(labels).sum().cast('float32') as tf.Scalar);
      return tf.metrics.categoricalCrossentropy(ys, pred).mean() as tf.Scalar;
    }, trainable as tf.Variable[]);
  });
  let offset = 0;
  for (const v of trainable) {
    const g = grads[v.name];
    out.set(g.dataSync() as Float32Array, offset);
    offset += v.size;
  }
  const lossSum = value.dataSync()[0] * n;
  const correct = correctTensor!.dataSync()[0];
  tf.dispose([value, correctTensor!, ...Object.values(grads)]);
  return { lossSum, correct };
}

/** Applies flat gradients (as shardGradients writes them) with `optimizer`. */
export function applyFlatGradients(optimizer: tf.Optimizer, trainable: readonly tf.Variable[], flat: Float32Array): void {
  const named: tf.NamedTensorMap = {};
  let offset = 0;
  for (const v of trainable) {
    named[v.name] = tf.tensor(flat.subarray(offset, offset + v.size), v.shape);
    offset += v.size;
  }
  optimizer.applyGradients(named);
  tf.dispose(Object.values(named));
}
