import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { expectClose, runKernel, runOn, seededValues, sizeOf, type Shape4 } from './cross-backend';

interface Case {
  x: Shape4;
  filter: Shape4;
  strides: number | [number, number];
  pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
}

function outputShape(c: Case): Shape4 {
  // Let tfjs compute dy's shape from the forward convolution on the cpu backend.
  return tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad).shape as Shape4);
}

async function compare(c: Case, seed: number): Promise<void> {
  await tf.setBackend('cpu');
  const dyShape = outputShape(c);
  const xValues = seededValues(sizeOf(c.x), seed);
  const dyValues = seededValues(sizeOf(dyShape), seed + 1);
  const compute = () =>
    runKernel('Conv2DBackpropFilter', { x: tf.tensor(xValues, c.x), dy: tf.tensor(dyValues, dyShape) }, {
      strides: c.strides,
      pad: c.pad,
      dataFormat: 'NHWC',
      filterShape: c.filter,
    });
  const expected = await runOn('cpu', compute);
  const actual = await runOn('wasm', compute);
  expect(actual.shape).toEqual(c.filter);
  expectClose(actual, expected);
}

describe('Conv2DBackpropFilter on wasm (C SIMD kernel) matches the cpu backend', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  const cases: Case[] = [
    { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { x: [3, 8, 8, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'valid' },
    { x: [1, 9, 6, 4], filter: [5, 3, 4, 2], strides: [2, 1], pad: 'same' },
    { x: [2, 8, 8, 3], filter: [1, 1, 3, 6], strides: 1, pad: 'valid' },
    { x: [4, 6, 6, 1], filter: [3, 3, 1, 8], strides: 2, pad: 'same' },
    { x: [2, 5, 7, 2], filter: [2, 2, 2, 3], strides: 2, pad: 'same' },
    { x: [1, 6, 6, 2], filter: [3, 3, 2, 2], strides: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
    // Output channels in blocks of 16, 8 and 4 (small-cnn's first layer has 16).
    { x: [2, 6, 6, 3], filter: [3, 3, 3, 16], strides: 1, pad: 'same' },
    { x: [2, 6, 5, 2], filter: [3, 3, 2, 28], strides: 1, pad: 'same' },
  ];
  for (const [i, c] of cases.entries()) {
    it(`x ${c.x} filter ${c.filter} strides ${c.strides} pad ${JSON.stringify(c.pad)}`, async () => {
      await compare(c, 100 + i);
    });
  }

  it('handles output channels in a 32-wide block, 4-wide blocks and a scalar tail (CO = 39)', async () => {
    await compare({ x: [3, 9, 9, 5], filter: [3, 3, 5, 39], strides: 1, pad: 'same' }, 7);
  });

  it('matches on the seed CNN layer shape, where sums run over thousands of terms', async () => {
    await compare({ x: [8, 32, 32, 3], filter: [3, 3, 3, 32], strides: 1, pad: 'valid' }, 8);
  });

  it('rejects NCHW data with an error naming the kernel', async () => {
    await tf.setBackend('wasm');
    expect(() =>
      tf.tidy(() =>
        runKernel('Conv2DBackpropFilter', { x: tf.zeros([1, 2, 4, 4]), dy: tf.zeros([1, 2, 4, 4]) }, {
          strides: 1,
          pad: 'same',
          dataFormat: 'NCHW',
          filterShape: [3, 3, 2, 2],
        }),
      ),
    ).toThrow(/Conv2DBackpropFilter.*dataFormat must be 'NHWC'/);
  });
});
