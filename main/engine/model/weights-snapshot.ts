// A copy of a model's weight values, keyed by a stable name, taken before fine-tuning so
// L2-SP regularisation can pull each weight back towards its starting point.
import * as tf from '@tensorflow/tfjs';

/**
 * The key of one weight: its name without tfjs's uniquifying suffix, e.g. 'conv1/kernel'
 * (tfjs renames the variable to 'conv1/kernel_1' when another model in the process has a
 * layer of the same name, but originalName stays the same across clones and reloads).
 */
export function weightKey(weight: tf.LayerVariable): string {
  return weight.originalName;
}

/**
 * Values of every weight (trainable or not) by weightKey, read without blocking: the only way
 * on the webgpu backend, which cannot read a GPU buffer synchronously under Node.
 */
export async function readWeightsSnapshot(model: tf.LayersModel): Promise<Map<string, Float32Array>> {
  const snapshot = new Map<string, Float32Array>();
  for (const weight of model.weights) {
    snapshot.set(weightKey(weight), Float32Array.from(await weight.read().data()));
  }
  return snapshot;
}

/** Values of every weight (trainable or not) by weightKey. The arrays are copies. Host backends only (see readWeightsSnapshot). */
export function getWeightsSnapshot(model: tf.LayersModel): Map<string, Float32Array> {
  const snapshot = new Map<string, Float32Array>();
  for (const weight of model.weights) {
    snapshot.set(weightKey(weight), Float32Array.from(weight.read().dataSync()));
  }
  return snapshot;
}
