// A GPU error on the device tfjs trains with (here a buffer larger than the adapter allows,
// standing in for an out-of-memory or lost device) is recorded, and the training loop ends
// the run with that reason rather than training on garbage or hanging. Its own file: the
// fault stays recorded for the rest of the process.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../main/engine/accel/backend';
import { probeWebgpuAdapter, raceWebgpuFault, webgpuFault } from '../../../main/engine/accel/webgpu';
import { buildModel } from '../../../main/engine/model';
import { trainModel } from '../../../main/engine/training/train';
import { trainingSchema } from '@contract/spec';
import { bandedSplit } from './tiny-data';

const available = (await probeWebgpuAdapter()) !== undefined || process.env.TRANSFER_LAB_REQUIRE_WEBGPU === '1';

interface Device {
  createBuffer(d: { size: number; usage: number }): unknown;
  limits: { maxBufferSize: number };
  queue: { onSubmittedWorkDone(): Promise<void> };
}

describe.skipIf(!available)('a GPU error during training on webgpu', () => {
  it('fails the run with the GPU error as its reason', async () => {
    await selectBackend('webgpu');
    const model = buildModel('mlp', [6, 6, 1], 2, 1);
    const data = { train: bandedSplit(16, [6, 6, 1], 2, 1) };
    const training = trainingSchema.parse({ epochs: 3, batchSize: 4 });
    expect(webgpuFault()).toBeNull();

    const device = (tf.backend() as unknown as { device: Device }).device;
    const storage = (globalThis as unknown as { GPUBufferUsage: { STORAGE: number } }).GPUBufferUsage.STORAGE;
    device.createBuffer({ size: device.limits.maxBufferSize + 4, usage: storage });
    await device.queue.onSubmittedWorkDone();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(webgpuFault()).toMatch(/^(GPU error \(GPU\w+Error\)|out of GPU memory): /);

    await expect(trainModel(model, data, training, { seed: 1, inputShape: [6, 6, 1], numClasses: 2 })).rejects.toThrow(webgpuFault()!);
    model.dispose();
    // A read-back that would never finish (as from a lost device) gives way to the fault.
    await expect(raceWebgpuFault(new Promise(() => undefined))).rejects.toThrow(webgpuFault()!);
  });
});
