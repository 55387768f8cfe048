// One replica's share of a data-parallel training step, the same code on the coordinating
// thread and in every worker thread: gradients of the mean loss over a shard, written flat
// (trainable weights in order) into a buffer; and applying the averaged flat gradients
// with the replica's own optimizer. Every replica applies identical averaged gradients with
// an identically configured optimizer, so their weights stay identical without broadcasting.
import * as tf from '@tensorflow/tfjs';
import { trainingForward } from '../training-forward';
import { categoricalCrossEntropy } from '../../training/losses';
import type { WasmBackend } from '../kernels/wasm-heap';

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
 * `x`/`y`, written into `out` (flat, in the order of `trainable`). `forward` is the model's
 * training forward (trainingForward), made once per replica.
 */
export function shardGradients(
  model: tf.LayersModel,
  trainable: readonly tf.Variable[],
  x: Float32Array,
  y: Int32Array,
  n: number,
  inputShape: readonly number[],
  out: Float32Array,
  forward: (xs: tf.Tensor) => tf.Tensor = trainingForward(model),
): ShardResult {
  const size = inputShape.reduce((a, b) => a * b, 1);
  let correctTensor: tf.Scalar | undefined;
  const { value, grads } = tf.tidy(() => {
    const xs = tf.tensor(x.subarray(0, n * size), [n, ...inputShape]);
    return tf.variableGrads(() => {
      const step = categoricalCrossEntropy(forward(xs) as tf.Tensor2D, y.subarray(0, n));
      correctTensor = tf.keep(step.correct);
      return step.loss;
    }, trainable as tf.Variable[]);
  });
  let offset = 0;
  for (const v of trainable) {
    out.set(hostValues(grads[v.name]), offset);
    offset += v.size;
  }
  const lossSum = value.dataSync()[0] * n;
  const correct = correctTensor!.dataSync()[0];
  tf.dispose([value, correctTensor!, ...Object.values(grads)]);
  return { lossSum, correct };
}

/** A float32 tensor's values: a view of the wasm heap (no copy) on wasm, dataSync elsewhere. */
function hostValues(t: tf.Tensor): Float32Array {
  if (tf.getBackend() === 'wasm' && t.dtype === 'float32') return (tf.backend() as unknown as WasmBackend).typedArrayFromHeap(t) as Float32Array;
  return t.dataSync() as Float32Array;
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
