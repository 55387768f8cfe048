// Small learnable image data for engine tests: each class brightens its own band of rows, so
// a few epochs on a few dozen samples visibly learn something, without a dataset loader.
import { floatSamples } from '../../../main/engine/data/datasets/samples';
import * as tf from '@tensorflow/tfjs';
import type { Split } from '../../../main/engine/data/datasets/dataset';
import { createRng } from '../../../main/engine/rng';

export function bandedSplit(count: number, shape: [number, number, number], numClasses: number, seed: number): Split {
  const [h, w, c] = shape;
  const rng = createRng(seed);
  const x = new Float32Array(count * h * w * c);
  const y = new Int32Array(count);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const label = i % numClasses;
    y[i] = label;
    ids.push(`sample/${i}`);
    for (let r = 0; r < h; r++) {
      const inBand = Math.floor((r * numClasses) / h) === label;
      for (let k = 0; k < w * c; k++) x[((i * h + r) * w) * c + k] = 0.6 * rng() + (inBand ? 0.4 : 0);
    }
  }
  return { x: floatSamples(x, h * w * c), y, ids };
}

/** Every weight of a model as flat arrays, in model.weights order. */
export function weightArrays(model: tf.LayersModel): Float32Array[] {
  return model.weights.map((w) => Float32Array.from(w.read().dataSync()));
}

export function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  if (a.length !== b.length) throw new Error(`${a.length} vs ${b.length} arrays`);
  let max = 0;
  a.forEach((values, i) => {
    if (values.length !== b[i].length) throw new Error(`array ${i}: ${values.length} vs ${b[i].length} values`);
    for (let j = 0; j < values.length; j++) max = Math.max(max, Math.abs(values[j] - b[i][j]));
  });
  return max;
}

/** Distance ‖a − b‖ over several arrays. */
export function distance(a: Float32Array[], b: Float32Array[]): number {
  let sum = 0;
  a.forEach((values, i) => values.forEach((v, j) => (sum += (v - b[i][j]) ** 2)));
  return Math.sqrt(sum);
}
