// Running a model over a split on several threads (parallel-predict.ts) gives the outputs of
// model.predict on this thread, row for row; a cancel stops it between batches.
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { buildModel } from '../../../../../main/engine/model';
import { createPredictPool } from '../../../../../main/engine/accel/data-parallel/parallel-predict';
import { CancelledError } from '../../../../../main/engine/data/datasets/image-cache';
import { floatSamples, samplesToArray } from '../../../../../main/engine/data/datasets/samples';
import { bandedSplit, maxDifference } from '../../tiny-data';

const root = path.resolve(__dirname, '../../../../..');
// Built into dist/ by the test setup (tests/global-setup.ts), as users run it.
const threadFile = path.join(root, 'dist', 'main', 'predict-thread.js');
const shape: [number, number, number] = [12, 12, 1];

beforeAll(async () => {
  await selectBackend('wasm');
}, 60_000);

describe('parallel predict', () => {
  it('gives model.predict\'s outputs on 3 threads, for a count that is not a whole number of batches', async () => {
    const model = buildModel('seed-cnn', shape, 3, 4);
    const split = bandedSplit(83, shape, 3, 5);
    const pool = await createPredictPool(model, shape, { threads: 3, backend: 'wasm', threadFile, batchSize: 8 });
    let progress = 0;
    try {
      expect(pool.threads).toBe(3);
      const out = await pool.run(split.x, { onProgress: (done) => (progress = done) });
      const expected = tf.tidy(() => (model.predict(tf.tensor(samplesToArray(split.x), [83, ...shape])) as tf.Tensor).dataSync() as Float32Array);
      expect(out.length).toBe(83 * 3);
      expect(maxDifference([out], [expected])).toBeLessThan(1e-5);
      expect(progress).toBe(83);
    } finally {
      await pool.close();
    }
  });

  it('gives the same outputs with this thread left free (worker threads only), and computes here when there are none', async () => {
    const model = buildModel('seed-cnn', shape, 3, 4);
    const split = bandedSplit(50, shape, 3, 7);
    const expected = tf.tidy(() => (model.predict(tf.tensor(samplesToArray(split.x), [50, ...shape])) as tf.Tensor).dataSync() as Float32Array);
    for (const threads of [2, 1]) {
      const pool = await createPredictPool(model, shape, { threads, backend: 'wasm', threadFile, batchSize: 8 });
      try {
        const out = await pool.run(split.x, { useThisThread: false });
        expect(maxDifference([out], [expected])).toBeLessThan(1e-5);
      } finally {
        await pool.close();
      }
    }
  });

  it('stops between batches when cancelled, with CancelledError', async () => {
    const model = buildModel('seed-cnn', shape, 3, 4);
    const split = bandedSplit(200, shape, 3, 6);
    const pool = await createPredictPool(model, shape, { threads: 2, backend: 'wasm', threadFile, batchSize: 4 });
    let done = 0;
    try {
      await expect(pool.run(split.x, { onProgress: (d) => (done = d), isCancelled: () => done >= 20 })).rejects.toBeInstanceOf(CancelledError);
      // At most the batches already in flight finish after the cancel.
      expect(done).toBeLessThan(20 + 4 * 3);
    } finally {
      await pool.close();
    }
  });

  it('runs on this thread alone, with a note, when the thread entry is missing', async () => {
    const model = buildModel('mlp', [6], 2, 1);
    const pool = await createPredictPool(model, [6], { threads: 2, backend: 'wasm', threadFile: path.join(root, 'no-such-thread.js') });
    try {
      expect(pool.threads).toBe(1);
      expect(pool.note).toMatch(/one thread.*no-such-thread\.js/);
      const out = await pool.run(floatSamples(new Float32Array(18).fill(0.5), 6));
      expect(out.length).toBe(6);
    } finally {
      await pool.close();
    }
  });
});
