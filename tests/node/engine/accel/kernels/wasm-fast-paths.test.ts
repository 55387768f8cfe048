// The wasm kernels that replace or wrap shipped ones for speed (Tile, Sum over leading axes,
// Conv2DBackpropInput as a flipped-filter Conv2D, per-channel broadcast Add/Sub/Mul/Div)
// give the cpu backend's results, on their fast paths and on the cases passed through.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { expectClose, runKernel, runOn, seededValues, sizeOf, type Shape4 } from './cross-backend';

const onBoth = async (compute: () => tf.Tensor) => expectClose(await runOn('wasm', compute), await runOn('cpu', compute));

describe('wasm fast paths match the cpu backend', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  describe('Tile', () => {
    const cases: [number[], number[]][] = [
      [[1, 1, 1, 5], [3, 4, 2, 1]],
      [[2, 3], [2, 3]],
      [[3], [4]],
      [[2, 1, 3], [1, 5, 2]],
      [[2, 2, 2, 3], [2, 1, 3, 2]],
    ];
    for (const [shape, reps] of cases) {
      it(`float32 ${shape} × ${reps}`, async () => {
        await onBoth(() => tf.tile(tf.tensor(seededValues(sizeOf(shape), 3), shape), reps));
      });
    }
    it('int32 and bool keep their values', async () => {
      const ints = await runOn('wasm', () => tf.tile(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), [2, 2]).cast('float32'));
      expect(Array.from(ints.values)).toEqual([1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4]);
      const bools = await runOn('wasm', () => tf.tile(tf.tensor1d([true, false], 'bool'), [3]).cast('float32'));
      expect(Array.from(bools.values)).toEqual([1, 0, 1, 0, 1, 0]);
    });
  });

  describe('Sum', () => {
    const cases: [number[], number | number[], boolean][] = [
      [[64, 6, 6, 37], [0, 1, 2], false], // a bias gradient: 16-wide, 4-wide and scalar columns
      [[130, 9], 0, true], // more than one 64-row block
      [[5, 4, 3], [1, 0], false],
      [[5, 4, 3], [-3, -2], true],
      [[5, 4, 3], [1, 2], false], // trailing axes: shipped kernel
      [[5, 4, 3], [0, 1, 2], false], // full reduction: shipped kernel
    ];
    for (const [shape, axis, keepDims] of cases) {
      it(`${shape} over ${axis}${keepDims ? ' keepDims' : ''}`, async () => {
        await onBoth(() => tf.sum(tf.tensor(seededValues(sizeOf(shape), 5), shape), axis, keepDims));
      });
    }
  });

  describe('Conv2DBackpropInput', () => {
    const cases: { x: Shape4; filter: Shape4; strides: number; pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] }[] = [
      { x: [2, 8, 8, 16], filter: [3, 3, 16, 32], strides: 1, pad: 'same' },
      { x: [2, 7, 6, 3], filter: [3, 3, 3, 5], strides: 1, pad: 'valid' },
      { x: [1, 6, 7, 2], filter: [2, 4, 2, 3], strides: 1, pad: 'same' }, // even filter: uneven padding
      { x: [1, 6, 6, 2], filter: [3, 3, 2, 2], strides: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
      { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same' }, // strided: shipped kernel
    ];
    for (const [i, c] of cases.entries()) {
      it(`x ${c.x} filter ${c.filter} strides ${c.strides} pad ${JSON.stringify(c.pad)}`, async () => {
        const dyShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad).shape);
        const dy = seededValues(sizeOf(dyShape), 20 + i);
        const filter = seededValues(sizeOf(c.filter), 40 + i);
        await onBoth(() =>
          runKernel('Conv2DBackpropInput', { dy: tf.tensor(dy, dyShape), filter: tf.tensor(filter, c.filter) }, {
            strides: c.strides,
            pad: c.pad,
            dataFormat: 'NHWC',
            inputShape: c.x,
          }),
        );
      });
    }
  });

  describe('broadcast Add, Sub, Multiply, RealDiv', () => {
    const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
      ['add', tf.add],
      ['sub', tf.sub],
      ['mul', tf.mul],
      ['div', tf.div],
    ];
    const shapes: [number[], number[]][] = [
      [[4, 5, 5, 7], [7]], // per-channel vector, 7 = one SIMD block and a tail of 3
      [[4, 5, 5, 8], [1, 1, 1, 8]],
      [[6, 10], [1, 10]],
      [[3, 4, 6], [4, 6]],
      [[3, 4, 6], [3, 1, 6]], // not a trailing broadcast: shipped kernel
      [[3, 4], [3, 4]], // same shape: shipped kernel
    ];
    for (const [name, op] of ops) {
      for (const [bigShape, smallShape] of shapes) {
        it(`${name}: ${bigShape} with ${smallShape}, both orders`, async () => {
          const big = seededValues(sizeOf(bigShape), 60);
          // Away from zero so division stays well conditioned.
          const small = seededValues(sizeOf(smallShape), 61).map((v) => v + (v >= 0 ? 0.5 : -0.5));
          await onBoth(() => op(tf.tensor(big, bigShape), tf.tensor(small, smallShape)));
          await onBoth(() => op(tf.tensor(small, smallShape), tf.tensor(big, bigShape)));
        });
      }
    }
  });
});
