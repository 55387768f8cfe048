import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { expectClose, runKernel, runOn, seededValues, sizeOf, type Shape4 } from './cross-backend';

interface Case {
  x: Shape4;
  /** [kh, kw, inChannels, channelMultiplier] */
  filter: Shape4;
  strides: number | [number, number];
  pad: 'same' | 'valid';
}

const cases: Case[] = [
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 1], strides: 1, pad: 'same' },
  { x: [3, 8, 8, 2], filter: [3, 3, 2, 2], strides: 2, pad: 'valid' },
  { x: [1, 9, 6, 4], filter: [5, 3, 4, 1], strides: [2, 1], pad: 'same' },
  { x: [2, 6, 6, 5], filter: [3, 3, 5, 3], strides: 1, pad: 'valid' },
  { x: [4, 5, 7, 1], filter: [2, 2, 1, 4], strides: 2, pad: 'same' },
];

function dyShapeOf(c: Case): Shape4 {
  return tf.tidy(
    () => tf.depthwiseConv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad).shape as Shape4,
  );
}

describe('depthwise convolution gradients on wasm match the cpu backend', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  for (const [i, c] of cases.entries()) {
    const label = `x ${c.x} filter ${c.filter} strides ${c.strides} pad ${c.pad}`;

    it(`DepthwiseConv2dNativeBackpropFilter: ${label}`, async () => {
      await tf.setBackend('cpu');
      const dyShape = dyShapeOf(c);
      const x = seededValues(sizeOf(c.x), 200 + i);
      const dy = seededValues(sizeOf(dyShape), 300 + i);
      const compute = () =>
        runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tf.tensor(x, c.x), dy: tf.tensor(dy, dyShape) }, {
          strides: c.strides,
          dilations: 1,
          pad: c.pad,
          filterShape: c.filter,
        });
      const expected = await runOn('cpu', compute);
      const actual = await runOn('wasm', compute);
      expect(actual.shape).toEqual(c.filter);
      expectClose(actual, expected);
    });

    it(`DepthwiseConv2dNativeBackpropInput: ${label}`, async () => {
      await tf.setBackend('cpu');
      const dyShape = dyShapeOf(c);
      const dy = seededValues(sizeOf(dyShape), 400 + i);
      const filter = seededValues(sizeOf(c.filter), 500 + i);
      const compute = () =>
        runKernel('DepthwiseConv2dNativeBackpropInput', { dy: tf.tensor(dy, dyShape), filter: tf.tensor(filter, c.filter) }, {
          strides: c.strides,
          dilations: 1,
          pad: c.pad,
          inputShape: c.x,
        });
      const expected = await runOn('cpu', compute);
      const actual = await runOn('wasm', compute);
      expect(actual.shape).toEqual(c.x);
      expectClose(actual, expected);
    });
  }

  it('rejects dilations above 1 with an error naming the kernel and the attribute', async () => {
    await tf.setBackend('wasm');
    expect(() =>
      tf.tidy(() =>
        runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tf.zeros([1, 6, 6, 2]), dy: tf.zeros([1, 6, 6, 2]) }, {
          strides: 1,
          dilations: 2,
          pad: 'same',
          filterShape: [3, 3, 2, 1],
        }),
      ),
    ).toThrow(/DepthwiseConv2dNativeBackpropFilter.*dilations 1/);
  });
});
