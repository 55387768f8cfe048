import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { isBatchMatMulWrapper } from '../../../../../main/engine/accel/kernels/batch-matmul-wasm';
import { registerWasmTrainingKernels } from '../../../../../main/engine/accel/kernels';
import { expectClose, runOn, seededValues, sizeOf } from './cross-backend';

describe('BatchMatMul on wasm (C SIMD kernel for transposed operands) matches the cpu backend', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('is the kernel in effect for wasm, wrapped once however often registration runs', () => {
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    expect(isBatchMatMulWrapper(tf.getKernel('BatchMatMul', 'wasm'))).toBe(true);
  });

  const cases: { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [
    { a: [5, 7], b: [7, 3], transposeA: false, transposeB: false },
    { a: [7, 5], b: [7, 3], transposeA: true, transposeB: false },
    { a: [5, 7], b: [3, 7], transposeA: false, transposeB: true },
    { a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
    { a: [4, 6, 5], b: [4, 6, 3], transposeA: true, transposeB: false },
    { a: [2, 5, 6], b: [1, 3, 6], transposeA: false, transposeB: true },
    // Register blocks are 4 rows × 8 columns (Aᵀ·B) and 4 columns × 4-wide K (A·Bᵀ): sizes
    // around and between those exercise every edge path, and K > 256 crosses a K block.
    { a: [37, 13], b: [37, 19], transposeA: true, transposeB: false },
    { a: [300, 9], b: [300, 11], transposeA: true, transposeB: false },
    { a: [64, 33], b: [64, 16], transposeA: true, transposeB: false },
    { a: [13, 37], b: [19, 37], transposeA: false, transposeB: true },
    { a: [9, 301], b: [11, 301], transposeA: false, transposeB: true },
    { a: [6, 3], b: [5, 3], transposeA: false, transposeB: true },
    { a: [1, 1], b: [1, 1], transposeA: true, transposeB: false },
    { a: [3, 17, 6], b: [3, 9, 17], transposeA: true, transposeB: true },
    { a: [1, 7, 5], b: [3, 7, 6], transposeA: true, transposeB: false },
    { a: [2, 3, 10, 7], b: [2, 3, 9, 7], transposeA: false, transposeB: true },
    // A mixed broadcast the kernel's strides cannot express takes the explicit-transpose path.
    { a: [2, 1, 6, 5], b: [1, 3, 6, 4], transposeA: true, transposeB: false },
    // The shapes of a Dense(784→128) layer's backward pass at batch 64 (and odd batch 63).
    { a: [64, 784], b: [64, 128], transposeA: true, transposeB: false },
    { a: [63, 10], b: [128, 10], transposeA: false, transposeB: true },
    // The plain product (the C kernel serves it too) and an empty inner dimension.
    { a: [63, 301], b: [301, 37], transposeA: false, transposeB: false },
    { a: [2, 9, 5], b: [2, 5, 12], transposeA: false, transposeB: false },
    { a: [3, 0], b: [0, 2], transposeA: false, transposeB: false },
    { a: [0, 4], b: [0, 5], transposeA: true, transposeB: false },
    { a: [0, 4], b: [5, 4], transposeA: false, transposeB: true },
  ];
  for (const [i, c] of cases.entries()) {
    it(`a ${c.a}${c.transposeA ? 'ᵀ' : ''} · b ${c.b}${c.transposeB ? 'ᵀ' : ''}`, async () => {
      const a = seededValues(sizeOf(c.a), 900 + i);
      const b = seededValues(sizeOf(c.b), 950 + i);
      const compute = () => tf.matMul(tf.tensor(a, c.a), tf.tensor(b, c.b), c.transposeA, c.transposeB);
      expectClose(await runOn('wasm', compute), await runOn('cpu', compute));
    });
  }

  it('reads transposed operands in place: a Dense backward product runs no Transpose kernel', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(seededValues(64 * 30, 2), [64, 30]);
    const dy = tf.tensor(seededValues(64 * 10, 3), [64, 10]);
    const w = tf.tensor(seededValues(30 * 10, 4), [30, 10]);
    const info = await tf.profile(() => {
      tf.matMul(x, dy, true, false).dispose();
      tf.matMul(dy, w, false, true).dispose();
    });
    const names = info.kernels.map((k) => k.name);
    expect(names.filter((n) => n === 'BatchMatMul')).toHaveLength(2);
    expect(names).not.toContain('Transpose');
    tf.dispose([x, dy, w]);
  });

  it('frees the transposed copies it makes', async () => {
    await tf.setBackend('wasm');
    const a = tf.tensor(seededValues(64, 1), [8, 8]);
    const before = tf.memory().numTensors;
    const backendBefore = tf.backend().numDataIds();
    const product = tf.matMul(a, a, true, true);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(tf.backend().numDataIds()).toBe(backendBefore + 1);
    tf.dispose([a, product]);
  });
});
