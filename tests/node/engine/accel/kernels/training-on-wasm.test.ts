// End to end: the gradient kernels let tfjs-layers models train on wasm, and one optimiser
// step there gives the same weights as on the reference cpu backend.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { expectClose, seededValues } from './cross-backend';

const inputShape = [12, 12, 3];
const batch = 8;
const classes = 3;

/** Conv → BatchNorm → depthwise → strided conv → max-pool → dense → softmax (+ dropout). */
function tinyCnn(dropout: boolean): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape, filters: 6, kernelSize: 3, padding: 'same' }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'valid', activation: 'relu' }));
  model.add(tf.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  if (dropout) model.add(tf.layers.dropout({ rate: 0.2 }));
  model.add(tf.layers.dense({ units: 8, activation: 'relu' }));
  model.add(tf.layers.dense({ units: classes, activation: 'softmax' }));
  return model;
}

/** A batch whose label is the channel with the largest mean: learnable from the pixels. */
function labelledBatch(): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const values = seededValues(batch * 12 * 12 * 3, 42);
  const labels: number[] = [];
  for (let b = 0; b < batch; b++) {
    const c = b % classes;
    for (let p = 0; p < 144; p++) values[(b * 144 + p) * 3 + c] += 1;
    labels.push(c);
  }
  return {
    x: tf.tensor4d(values, [batch, 12, 12, 3]),
    y: tf.oneHot(tf.tensor1d(labels, 'int32'), classes) as tf.Tensor2D,
  };
}

describe('training a small CNN on wasm', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('reduces the loss over a few Adam steps (with dropout)', async () => {
    await tf.setBackend('wasm');
    const model = tinyCnn(true);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const { x, y } = labelledBatch();
    const losses: number[] = [];
    for (let step = 0; step < 12; step++) losses.push((await model.trainOnBatch(x, y)) as number);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.8);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('gives the same weights after one SGD step as the cpu backend', async () => {
    await tf.setBackend('cpu');
    const initial = tinyCnn(false).getWeights().map((w) => ({ values: w.dataSync().slice(), shape: w.shape.slice() }));

    async function oneStep(backend: 'cpu' | 'wasm') {
      await tf.setBackend(backend);
      const model = tinyCnn(false);
      model.setWeights(initial.map((w) => tf.tensor(w.values, w.shape)));
      model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
      const { x, y } = labelledBatch();
      await model.trainOnBatch(x, y);
      const after = model.getWeights().map((w) => ({ values: Float32Array.from(w.dataSync()), shape: w.shape.slice() }));
      model.dispose();
      tf.dispose([x, y]);
      return after;
    }

    const onCpu = await oneStep('cpu');
    const onWasm = await oneStep('wasm');
    expect(onWasm.length).toBe(onCpu.length);
    for (let i = 0; i < onCpu.length; i++) {
      // Every weight (and BatchNorm statistic) moved, and moved the same way on both backends.
      expect(onCpu[i].values.some((v, j) => v !== initial[i].values[j])).toBe(true);
      expectClose(onWasm[i], onCpu[i]);
    }
  });
});
