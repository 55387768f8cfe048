// On webgpu, batches read ahead from disk into shared memory (the BatchQueue's buffers,
// filled by the reader thread) train exactly as the same rows gathered synchronously: the
// upload takes the batch before run() returns and keeps no reference to it. Skips without
// an adapter unless TRANSFER_LAB_REQUIRE_WEBGPU=1.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../main/engine/accel/backend';
import { probeWebgpuAdapter } from '../../../main/engine/accel/webgpu';
import { createFeatureStore } from '../../../main/engine/data/datasets/feature-store';
import { samplesToArray, type Samples } from '../../../main/engine/data/datasets/samples';
import { buildModel } from '../../../main/engine/model';
import { splitValidation, trainModel } from '../../../main/engine/training/train';
import { trainingSchema } from '@contract/spec';
import { bandedSplit } from '../engine/tiny-data';

const available = (await probeWebgpuAdapter()) !== undefined || process.env.TRANSFER_LAB_REQUIRE_WEBGPU === '1';
const shape: [number, number, number] = [12, 12, 1];

describe.skipIf(!available)('webgpu with batches read from disk', () => {
  it('gives the weights of the synchronous gather for the same seed (seed-cnn, rows from on-disk features)', async () => {
    await selectBackend('webgpu');
    const all = bandedSplit(72, shape, 3, 5);
    const store = createFeatureStore(72, 144, 0);
    store.write(0, samplesToArray(all.x));
    const training = trainingSchema.parse({ epochs: 2, batchSize: 8, learningRate: 0.01 });
    const run = async (x: Samples) => {
      const model = buildModel('seed-cnn', shape, 3, 4);
      const data = splitValidation({ ...all, x }, 1 / 3, 5, shape);
      const result = await trainModel(model, data, training, { seed: 5, inputShape: shape, numClasses: 3 });
      expect(tf.getBackend()).toBe('webgpu');
      // Read asynchronously: webgpu has no synchronous read.
      const weights = await Promise.all(model.weights.map(async (w) => Float32Array.from(await w.read().data())));
      model.dispose();
      return { weights, valLoss: result.epochs.map((e) => e.valLoss) };
    };
    const disk = store.samples();
    expect(disk.readRowsAsync).toBeDefined();
    const queued = await run(disk);
    const reference = await run({ count: disk.count, size: disk.size, read: disk.read.bind(disk) });
    expect(queued).toEqual(reference);
    store.dispose();
  }, 120_000);
});
