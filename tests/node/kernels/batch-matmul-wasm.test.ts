import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../main/engine/backend';
import { isBatchMatMulWrapper } from '../../../main/engine/kernels/batch-matmul-wasm';
import { registerWasmTrainingKernels } from '../../../main/engine/kernels';
import { expectClose, runOn, seededValues, sizeOf } from './cross-backend';

describe('BatchMatMul on wasm (explicit transposes before the shipped kernel) matches the cpu backend', () => {
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
  ];
  for (const [i, c] of cases.entries()) {
    it(`a ${c.a}${c.transposeA ? 'ᵀ' : ''} · b ${c.b}${c.transposeB ? 'ᵀ' : ''}`, async () => {
      const a = seededValues(sizeOf(c.a), 900 + i);
      const b = seededValues(sizeOf(c.b), 950 + i);
      const compute = () => tf.matMul(tf.tensor(a, c.a), tf.tensor(b, c.b), c.transposeA, c.transposeB);
      expectClose(await runOn('wasm', compute), await runOn('cpu', compute));
    });
  }

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
