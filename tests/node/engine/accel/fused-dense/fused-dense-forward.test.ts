// The fused Dense training forward gives model.apply's predictions and gradients (within
// 1e-5) on wasm, with fewer kernel calls, and declines models it does not cover.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { denseSteps, fusedDenseForward } from '../../../../../main/engine/accel/fused-dense';
import { splitAtLayer } from '../../../../../main/engine/model';
import { buildModel } from '../../../../../main/engine/model/architectures';
import { seededValues } from '../kernels/cross-backend';
import { expectWithin, lossAndGrads } from './forward-compare';

describe('fusedDenseForward', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('matches model.apply in loss and every gradient, with frozen layers too, in fewer kernels', async () => {
    const model = buildModel('mlp', [6, 6, 1], 4, 7);
    const forward = fusedDenseForward(model);
    expect(forward).toBeDefined();
    const xs = tf.tensor(seededValues(5 * 36, 11), [5, 6, 6, 1]);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 1], 'int32'), 4);
    const stockForward = (x: tf.Tensor) => model.apply(x, { training: true }) as tf.Tensor;
    for (const frozen of [[], ['dense1']]) {
      model.layers.forEach((l) => { l.trainable = !frozen.includes(l.name); });
      const stock = lossAndGrads(model, stockForward, xs, ys);
      const fused = lossAndGrads(model, forward!, xs, ys);
      await expectWithin(fused.value, stock.value, 'loss');
      expect(Object.keys(fused.grads).sort()).toEqual(Object.keys(stock.grads).sort());
      for (const name of Object.keys(stock.grads)) await expectWithin(fused.grads[name], stock.grads[name], name);
    }
    model.layers.forEach((l) => { l.trainable = true; });
    const kernels = async (f: (x: tf.Tensor) => tf.Tensor) => (await tf.profile(() => { tf.tidy(() => { lossAndGrads(model, f, xs, ys); }); })).kernels.length;
    expect(await kernels(forward!)).toBeLessThan(await kernels(stockForward));
  });

  it('covers a Dense head cut from a larger model (its layers are shared with that model)', () => {
    const full = buildModel('seed-cnn', [8, 8, 1], 3, 1);
    const { rest } = splitAtLayer(full, 'pool1');
    expect(denseSteps(rest)?.map((s) => [s.name, s.inputs, s.units, s.activation])).toEqual([
      ['dense1', 3 * 3 * 32, 64, 'relu'],
      ['head', 64, 3, 'softmax'],
    ]);
    expect(denseSteps(full)).toBeUndefined();
  });

  it('declines models with layers other than Flatten and Dense', () => {
    expect(fusedDenseForward(buildModel('seed-cnn', [8, 8, 1], 3, 1))).toBeUndefined();
    const elu = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'elu' })] });
    expect(fusedDenseForward(elu)).toBeUndefined();
  });
});
