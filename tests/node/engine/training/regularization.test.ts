// The regularisation penalties: value and gradient against the formulas, and L2-SP's effect on
// a real fine-tuning run (a large α keeps the weights near the source's).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/accel/backend';
import { buildModel, transferModel, applyFreeze, getWeightsSnapshot, weightKey } from '../../../../main/engine/model';
import { createPenalty, isKernelOrBias } from '../../../../main/engine/training/regularization';
import { trainModel, type TrainOptions } from '../../../../main/engine/training/train';
import type { TrainingSpec } from '@contract/spec';
import { bandedSplit, distance } from '../tiny-data';

beforeAll(async () => {
  await selectBackend('wasm');
});

const shape: [number, number, number] = [6, 6, 1];

/** seed-cnn "trained" on 4 classes, transferred to 3 with a new head, conv1 frozen, then every weight nudged. */
function fineTuningSetup(): { model: tf.LayersModel; source: Map<string, Float32Array> } {
  const sourceModel = buildModel('seed-cnn', shape, 4, 1);
  const model = transferModel(sourceModel, { numClasses: 3, head: 'replace', seed: 2 });
  const source = getWeightsSnapshot(model);
  applyFreeze(model, ['conv1']);
  // Move every weight off its starting point so w − w_source is not zero.
  for (const w of model.weights) w.write(tf.tidy(() => w.read().add(tf.randomNormal(w.shape as number[], 0, 0.1, 'float32', 9))));
  return { model, source };
}

function values(w: tf.LayerVariable): Float32Array {
  return w.read().dataSync() as Float32Array;
}

function sumSquares(a: Float32Array, b?: Float32Array): number {
  let s = 0;
  a.forEach((v, i) => (s += (v - (b ? b[i] : 0)) ** 2));
  return s;
}

describe('penalties', () => {
  it('kind none adds nothing; l2 is weight/2 · Σ‖w‖² over trainable kernels and biases, gradient weight · w', () => {
    const { model } = fineTuningSetup();
    expect(createPenalty(model, { kind: 'none' })).toBeUndefined();
    const penalty = createPenalty(model, { kind: 'l2', weight: 0.3 })!;
    const trainable = model.trainableWeights.filter(isKernelOrBias);
    expect(trainable.map(weightKey)).toEqual(['dense1/kernel', 'dense1/bias', 'head/kernel', 'head/bias']);
    const expected = (0.3 / 2) * trainable.reduce((s, w) => s + sumSquares(values(w)), 0);
    expect(penalty.value().dataSync()[0]).toBeCloseTo(expected, 3);

    const { grads } = tf.variableGrads(() => penalty.value(), trainable.map((w) => w.read() as tf.Variable));
    for (const w of trainable) {
      const g = grads[(w.read() as tf.Variable).name].dataSync();
      const wv = values(w);
      wv.forEach((v, i) => expect(g[i]).toBeCloseTo(0.3 * v, 5));
    }
  });

  it('l2-sp is α/2 · Σ‖w − w_source‖² on transferred weights plus β/2 · Σ‖w‖² on the new head, gradients α(w − w0) and βw', () => {
    const { model, source } = fineTuningSetup();
    const alpha = 0.7;
    const beta = 0.05;
    const penalty = createPenalty(model, { kind: 'l2-sp', alpha, beta }, { source, newLayers: ['head'] })!;
    const dense1 = model.getLayer('dense1').trainableWeights;
    const head = model.getLayer('head').trainableWeights;
    const expected =
      (alpha / 2) * dense1.reduce((s, w) => s + sumSquares(values(w), source.get(weightKey(w))), 0) +
      (beta / 2) * head.reduce((s, w) => s + sumSquares(values(w)), 0);
    expect(penalty.value().dataSync()[0]).toBeCloseTo(expected, 3);

    const all = [...dense1, ...head, ...model.getLayer('conv1').weights];
    const { grads } = tf.variableGrads(() => penalty.value(), all.map((w) => w.read() as tf.Variable));
    for (const w of dense1) {
      const g = grads[(w.read() as tf.Variable).name].dataSync();
      const w0 = source.get(weightKey(w))!;
      values(w).forEach((v, i) => expect(g[i]).toBeCloseTo(alpha * (v - w0[i]), 5));
    }
    for (const w of head) {
      const g = grads[(w.read() as tf.Variable).name].dataSync();
      values(w).forEach((v, i) => expect(g[i]).toBeCloseTo(beta * v, 5));
    }
    // Frozen conv1 is not in the penalty at all: no gradient flows to it.
    for (const w of model.getLayer('conv1').weights) expect(grads[(w.read() as tf.Variable).name] ?? null).toBeNull();
    penalty.dispose();
  });

  it('l2-sp without a source snapshot is an error that says what is missing', () => {
    const { model } = fineTuningSetup();
    expect(() => createPenalty(model, { kind: 'l2-sp', alpha: 1, beta: 0 })).toThrow(/needs the source weights snapshot/);
  });
});

describe('L2-SP in fine-tuning', () => {
  it('with a large α the fine-tuned weights stay much closer to the source than without', async () => {
    const train = bandedSplit(30, shape, 3, 4);
    const training: TrainingSpec = { epochs: 3, batchSize: 10, optimizer: 'adam', learningRate: 0.02, validationSplit: 0 };
    const distances: number[] = [];
    for (const alpha of [0, 50]) {
      const model = transferModel(buildModel('seed-cnn', shape, 4, 1), { numClasses: 3, head: 'replace', seed: 2 });
      const source = getWeightsSnapshot(model);
      applyFreeze(model, ['conv1']);
      const penalty = createPenalty(model, { kind: 'l2-sp', alpha, beta: 0 }, { source, newLayers: ['head'] });
      const options: TrainOptions = { seed: 3, inputShape: shape, numClasses: 3, penalty: penalty?.value };
      await trainModel(model, { train }, training, options);
      const dense1 = model.getLayer('dense1').weights;
      distances.push(distance(dense1.map(values), dense1.map((w) => source.get(weightKey(w))!)));
      penalty?.dispose();
    }
    const [free, anchored] = distances;
    expect(free).toBeGreaterThan(0.1);
    expect(anchored).toBeLessThan(free / 3);
  });
});
