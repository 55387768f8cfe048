// _FusedMatMul on wasm (C product + in-place bias/relu epilogue) gives the cpu backend's
// results on its fast path, and the cases it passes to the shipped kernel still work.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { expectClose, runOn, seededValues, sizeOf } from './cross-backend';

const onBoth = async (compute: () => tf.Tensor) => expectClose(await runOn('wasm', compute), await runOn('cpu', compute));
const t = (shape: number[], seed: number) => tf.tensor(seededValues(sizeOf(shape), seed), shape);

describe('_FusedMatMul on wasm matches the cpu backend', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  const cases: { name: string; a: number[]; b: number[]; bias?: number[]; activation: tf.fused.Activation; ta?: boolean; tb?: boolean }[] = [
    { name: 'bias + relu (Dense forward)', a: [5, 7], b: [7, 6], bias: [6], activation: 'relu' },
    { name: 'bias, linear, odd width', a: [3, 9], b: [9, 5], bias: [5], activation: 'linear' },
    { name: 'no bias, relu, transposeB', a: [4, 6], b: [3, 6], activation: 'relu', tb: true },
    { name: 'bias [1, n], transposeA', a: [6, 4], b: [6, 8], bias: [1, 8], activation: 'linear', ta: true },
    { name: 'batched 3-D', a: [2, 3, 4], b: [2, 4, 5], bias: [5], activation: 'relu' },
    { name: 'elu passes to the shipped kernel', a: [3, 4], b: [4, 5], bias: [5], activation: 'elu' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await onBoth(() => tf.fused.matMul({
        a: t(c.a, 1), b: t(c.b, 2), bias: c.bias ? t(c.bias, 3) : undefined,
        activation: c.activation, transposeA: c.ta ?? false, transposeB: c.tb ?? false,
      }));
    });
  }
});
