// Max pooling with recorded winners (the fused chain's pooling) against the cpu backend:
// the same outputs as tf.maxPool and, scattered back, the same gradient as MaxPoolGrad —
// valid and same padding, strides 1 and 2, channel counts with and without a SIMD tail.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { maxPoolScatter, maxPoolWithWhere } from '../../../../../main/engine/accel/kernels/max-pool-where-wasm';
import { expectClose, runOn, seededValues, sizeOf, type Shape4 } from './cross-backend';

beforeAll(async () => {
  await selectBackend('wasm');
});

const cases: { shape: Shape4; pool: [number, number]; strides: [number, number]; padding: 'valid' | 'same' }[] = [
  { shape: [2, 6, 6, 8], pool: [2, 2], strides: [2, 2], padding: 'valid' },
  { shape: [1, 7, 5, 6], pool: [3, 3], strides: [2, 2], padding: 'same' },
  { shape: [2, 5, 5, 3], pool: [2, 2], strides: [1, 1], padding: 'same' },
];

describe('max pooling with recorded winners (wasm) against the cpu backend', () => {
  for (const c of cases) {
    it(`${c.shape.join('×')}, pool ${c.pool.join('×')}, strides ${c.strides.join('×')}, ${c.padding}`, async () => {
      // Rounded values make ties, where the first maximum in row-major order must win.
      const x = seededValues(sizeOf(c.shape), 3).map((v) => Math.round(v * 4) / 4);
      const outShape = await runOn('cpu', () => tf.maxPool(tf.tensor4d(x, c.shape), c.pool, c.strides, c.padding));
      const dy = seededValues(sizeOf(outShape.shape), 4);
      const expectedGrad = await runOn('cpu', () => {
        const input = tf.tensor4d(x, c.shape);
        const output = tf.maxPool(input, c.pool, c.strides, c.padding);
        return tf.engine().runKernel(tf.MaxPoolGrad, { dy: tf.tensor(dy, outShape.shape), input, output }, { filterSize: c.pool, strides: c.strides, pad: c.padding } as unknown as tf.NamedAttrMap) as tf.Tensor;
      });
      await tf.setBackend('wasm');
      const { y, where } = maxPoolWithWhere(tf.tensor4d(x, c.shape), c.pool, c.strides, c.padding);
      expectClose({ values: Float32Array.from(y.dataSync()), shape: y.shape }, outShape);
      const dx = maxPoolScatter(tf.tensor(dy, y.shape), where, c.shape);
      expectClose({ values: Float32Array.from(dx.dataSync()), shape: dx.shape }, expectedGrad);
      tf.dispose([y, where, dx]);
    });
  }

  it('passes no gradient through a window with no number in it, whose output is NaN', async () => {
    await tf.setBackend('wasm');
    // Two rows of four: the left 2×2 window is all NaN, the right one holds 1, 2, 3, 4.
    const x = tf.tensor4d([NaN, NaN, 1, 2, NaN, NaN, 3, 4], [1, 2, 4, 1]);
    const { y, where } = maxPoolWithWhere(x, [2, 2], [2, 2], 'valid');
    expect(Array.from(y.dataSync())).toEqual([NaN, 4]);
    const dx = maxPoolScatter(tf.tensor4d([5, 7], [1, 1, 2, 1]), where, [1, 2, 4, 1]);
    expect(Array.from(dx.dataSync())).toEqual([0, 0, 0, 0, 0, 0, 0, 7]);
  });
});
