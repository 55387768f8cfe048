import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../main/engine/backend';
import { setIm2colBufferLimit } from '../../../main/engine/kernels/conv2d-backprop-filter-wasm';
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

describe('Conv2DBackpropFilter on wasm (im2col + BatchMatMul) matches the cpu backend', () => {
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
  ];
  for (const [i, c] of cases.entries()) {
    it(`x ${c.x} filter ${c.filter} strides ${c.strides} pad ${JSON.stringify(c.pad)}`, async () => {
      await compare(c, 100 + i);
    });
  }

  it('gives the same result when the batch is processed in several im2col chunks', async () => {
    // 7·7·(3·3·3) = 1323 floats per image: a 3000-float limit forces chunks of 2 images.
    const previous = setIm2colBufferLimit(3000);
    try {
      await compare({ x: [5, 7, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' }, 7);
    } finally {
      setIm2colBufferLimit(previous);
    }
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
