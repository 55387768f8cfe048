import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { maxPoolGradWasmConfig } from '../../../../../main/engine/accel/kernels/max-pool-grad-wasm';
import { expectClose, runOn, seededValues, sizeOf, type Shape4 } from './cross-backend';

/** d/dx Σ maxPool(x) · weights, with fixed per-output weights so every output's share is distinct. */
function poolGradient(xValues: Float32Array, shape: Shape4, pool: number, stride: number, pad: 'same' | 'valid') {
  return () =>
    tf.grad((x: tf.Tensor) => {
      const y = tf.maxPool(x as tf.Tensor4D, pool, stride, pad);
      return y.mul(tf.tensor(seededValues(sizeOf(y.shape), 77), y.shape)).sum();
    })(tf.tensor(xValues, shape));
}

describe('MaxPoolGrad on wasm (replacing the shipped kernel) matches the cpu backend', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('is the kernel in effect for wasm', () => {
    expect(tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc).toBe(maxPoolGradWasmConfig.kernelFunc);
  });

  it('routes each window gradient to its maximum (worked example)', async () => {
    // One 4x4 channel with negative values, pooled 2x2 / 2: the maxima are -1, -5, -9, -2.
    const x = new Float32Array([-1, -3, -5, -8, -4, -2, -6, -7, -9, -12, -2, -4, -10, -11, -3, -5]);
    const compute = () =>
      tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid').mul(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])).sum())(
        tf.tensor4d(x, [1, 4, 4, 1]),
      );
    const onWasm = await runOn('wasm', compute);
    expect(Array.from(onWasm.values)).toEqual([1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0]);
  });

  const cases: [Shape4, number, number, 'same' | 'valid'][] = [
    [[2, 4, 4, 3], 2, 2, 'valid'],
    [[2, 5, 5, 2], 2, 2, 'same'],
    [[3, 7, 6, 4], 3, 2, 'valid'],
    [[3, 7, 6, 4], 3, 1, 'same'],
    [[1, 9, 9, 8], 3, 2, 'same'],
    // 6 channels: one 4-wide SIMD block and a scalar tail of 2.
    [[2, 6, 6, 6], 2, 2, 'valid'],
  ];
  for (const [i, [shape, pool, stride, pad]] of cases.entries()) {
    it(`x ${shape} pool ${pool} stride ${stride} pad ${pad}`, async () => {
      const compute = poolGradient(seededValues(sizeOf(shape), 600 + i), shape, pool, stride, pad);
      expectClose(await runOn('wasm', compute), await runOn('cpu', compute));
    });
  }

  it('sends a tied window gradient to the first maximum in row-major order, in SIMD lanes and the tail', async () => {
    // Values from {0, 1, 2}: most 3x3 windows hold several equal maxima.
    const shape: Shape4 = [2, 6, 6, 5];
    const x = seededValues(sizeOf(shape), 650).map((v) => Math.round(Math.abs(v) * 1.5) % 3);
    const compute = poolGradient(x, shape, 3, 2, 'same');
    expectClose(await runOn('wasm', compute), await runOn('cpu', compute));
  });
});
