import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { expectClose, runOn, seededValues } from './cross-backend';

describe('UnsortedSegmentSum on wasm (the gradient of gather) matches the cpu backend', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('sums rows of a 3-D tensor into segments, leaving unused segments zero', async () => {
    const x = seededValues(7 * 2 * 3, 11);
    const ids = [3, 0, 3, 1, 0, 3, 1]; // segment 2 and 4 are empty
    const compute = () => tf.unsortedSegmentSum(tf.tensor(x, [7, 2, 3]), tf.tensor1d(ids, 'int32'), 5);
    const expected = await runOn('cpu', compute);
    const actual = await runOn('wasm', compute);
    expectClose(actual, expected);
    expect(Array.from(actual.values.slice(2 * 6, 3 * 6))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('gives an embedding-style gather the same gradient as the cpu backend', async () => {
    const table = seededValues(6 * 4, 12);
    const indices = [5, 1, 1, 0, 5, 5, 2];
    const upstream = seededValues(indices.length * 4, 13);
    const compute = () => {
      const grad = tf.grad((t: tf.Tensor) => tf.gather(t, tf.tensor1d(indices, 'int32')).mul(tf.tensor(upstream, [indices.length, 4])).sum());
      return grad(tf.tensor(table, [6, 4]));
    };
    expectClose(await runOn('wasm', compute), await runOn('cpu', compute));
  });
});
