// The fused chain training forward gives model.apply's loss and gradients (within 1e-5) on
// wasm — valid and same padding, strides, linear and relu convolutions, frozen layers, batch
// normalisation (moving statistics too), relu layers and seeded dropout — with fewer kernel
// calls, and declines other models.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { fusedChainForward } from '../../../../../main/engine/accel/fused-chain';
import { buildModel } from '../../../../../main/engine/model/architectures';
import { runFrozenBatchNormsInInferenceMode } from '../../../../../main/engine/model/frozen-batch-norm';
import { seededValues } from '../kernels/cross-backend';
import { expectWithin, lossAndGrads } from '../fused-dense/forward-compare';

/** Two convolutions (strided 'same' linear, then 'valid' relu) around pooling: the geometry the chain handles. */
function twoConvModel(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ name: 'c1', inputShape: [9, 9, 2], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'linear', kernelInitializer: init(1) }),
      tf.layers.conv2d({ name: 'c2', filters: 5, kernelSize: 2, padding: 'valid', activation: 'relu', kernelInitializer: init(2), biasInitializer: 'ones' }),
      tf.layers.maxPooling2d({ name: 'p', poolSize: 2, strides: 1, padding: 'same' }),
      tf.layers.flatten({ name: 'f' }),
      tf.layers.dense({ name: 'd', units: 3, activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
}

describe('fusedChainForward', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  const cases = [
    { name: 'seed-cnn', build: () => buildModel('seed-cnn', [10, 10, 3], 4, 7), shape: [5, 10, 10, 3], frozen: [[], ['conv1'], ['conv1', 'dense1']] },
    { name: 'strided same-padded convolutions', build: twoConvModel, shape: [5, 9, 9, 2], frozen: [[], ['c1']] },
  ];
  for (const c of cases) {
    it(`matches model.apply in loss and every gradient: ${c.name}, with frozen layers too, in fewer kernels`, async () => {
      const model = c.build();
      const forward = fusedChainForward(model);
      expect(forward).toBeDefined();
      const xs = tf.tensor(seededValues(c.shape.reduce((a, b) => a * b, 1), 11).map((v) => v * 2), c.shape);
      const classes = model.outputs[0].shape[1] as number;
      const ys = tf.oneHot(tf.tensor1d([0, 1, 2, classes - 1, 1], 'int32'), classes);
      const stockForward = (x: tf.Tensor) => model.apply(x, { training: true }) as tf.Tensor;
      for (const frozen of c.frozen) {
        model.layers.forEach((l) => { l.trainable = !frozen.includes(l.name); });
        const stock = lossAndGrads(model, stockForward, xs, ys);
        const fused = lossAndGrads(model, fusedChainForward(model)!, xs, ys);
        await expectWithin(fused.value, stock.value, `loss (frozen ${frozen.join(', ') || 'none'})`);
        expect(Object.keys(fused.grads).sort()).toEqual(Object.keys(stock.grads).sort());
        for (const name of Object.keys(stock.grads)) await expectWithin(fused.grads[name], stock.grads[name], `${name} (frozen ${frozen.join(', ') || 'none'})`);
      }
      model.layers.forEach((l) => { l.trainable = true; });
      const kernels = async (f: (x: tf.Tensor) => tf.Tensor) => (await tf.profile(() => { tf.tidy(() => { lossAndGrads(model, f, xs, ys); }); })).kernels.length;
      expect(await kernels(forward!)).toBeLessThan(await kernels(stockForward));
    });
  }

  it('matches model.apply on small-cnn (batch norm with batch statistics, relu layers, seeded dropout), moving statistics included', async () => {
    // Two identical models: each forward in training mode also updates the moving statistics.
    const stockModel = buildModel('small-cnn', [8, 8, 3], 3, 4);
    const fusedModel = buildModel('small-cnn', [8, 8, 3], 3, 4);
    const forward = fusedChainForward(fusedModel);
    expect(forward).toBeDefined();
    const xs = tf.tensor(seededValues(6 * 8 * 8 * 3, 5).map((v) => v * 3 + 0.5), [6, 8, 8, 3]);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 2, 1, 0], 'int32'), 3);
    for (let round = 0; round < 2; round++) {
      const stock = lossAndGrads(stockModel, (x) => stockModel.apply(x, { training: true }) as tf.Tensor, xs, ys);
      const fused = lossAndGrads(fusedModel, forward!, xs, ys);
      await expectWithin(fused.value, stock.value, `loss, round ${round + 1}`);
      const byLayer = (grads: tf.NamedTensorMap) => Object.fromEntries(Object.entries(grads).map(([name, g]) => [name.replace(/_\d+(?=\/|$)/g, ''), g]));
      const [s, f] = [byLayer(stock.grads), byLayer(fused.grads)];
      expect(Object.keys(f).sort()).toEqual(Object.keys(s).sort());
      for (const name of Object.keys(s)) await expectWithin(f[name], s[name], `${name}, round ${round + 1}`);
    }
    const weights = (m: tf.LayersModel) => m.getWeights();
    for (const [i, w] of weights(stockModel).entries()) await expectWithin(weights(fusedModel)[i], w, `weight ${fusedModel.weights[i].originalName} (moving statistics)`);
  });

  it('runs frozen batch normalisation in inference mode, as the engine wraps such layers', async () => {
    const build = () => {
      const m = buildModel('small-cnn', [8, 8, 3], 3, 4);
      // Moving statistics away from their initial 0 and 1, so inference mode is visible.
      m.getLayer('bn2').setWeights(m.getLayer('bn2').getWeights().map((w, i) => tf.tidy(() => (i >= 2 ? w.add(0.3 * i) : w))));
      for (const name of ['conv1', 'bn1', 'conv2', 'bn2']) m.getLayer(name).trainable = false;
      runFrozenBatchNormsInInferenceMode(m);
      return m;
    };
    const stockModel = build();
    const fusedModel = build();
    const xs = tf.tensor(seededValues(6 * 8 * 8 * 3, 7).map((v) => v * 2), [6, 8, 8, 3]);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 2, 1, 0], 'int32'), 3);
    const stock = lossAndGrads(stockModel, (x) => stockModel.apply(x, { training: true }) as tf.Tensor, xs, ys);
    const fused = lossAndGrads(fusedModel, fusedChainForward(fusedModel)!, xs, ys);
    await expectWithin(fused.value, stock.value, 'loss');
    const byLayer = (grads: tf.NamedTensorMap) => Object.fromEntries(Object.entries(grads).map(([name, g]) => [name.replace(/_\d+(?=\/|$)/g, ''), g]));
    const [st, fu] = [byLayer(stock.grads), byLayer(fused.grads)];
    expect(Object.keys(fu).sort()).toEqual(Object.keys(st).sort());
    expect(Object.keys(fu).some((n) => n.startsWith('bn2'))).toBe(false);
    for (const name of Object.keys(st)) await expectWithin(fu[name], st[name], name);
    for (const [i, w] of stockModel.getWeights().entries()) await expectWithin(fusedModel.getWeights()[i], w, `weight ${fusedModel.weights[i].originalName}`);
  });

  it('holds no tensor after a step, inside or outside gradient recording', () => {
    const model = buildModel('small-cnn', [8, 8, 3], 3, 4);
    const forward = fusedChainForward(model)!;
    const optimizer = tf.train.sgd(0.01);
    const xs = tf.tensor(seededValues(4 * 8 * 8 * 3, 6), [4, 8, 8, 3]);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
    const step = () => tf.tidy(() => { optimizer.minimize(() => tf.metrics.categoricalCrossentropy(ys, forward(xs) as tf.Tensor2D).mean() as tf.Scalar); });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    tf.tidy(() => { forward(xs); });
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
  });

  it('declines models with other layers or activations, and dense-only models', () => {
    expect(fusedChainForward(buildModel('mlp', [6, 6, 1], 3, 1))).toBeUndefined(); // no convolution
    const elu = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [5, 5, 1], filters: 2, kernelSize: 3, activation: 'elu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ] });
    expect(fusedChainForward(elu)).toBeUndefined();
  });
});
