// End to end on webgpu: each architecture the app offers trains with the engine's own loop
// (trainModel) on WebGPU and on wasm from the same seed, and ends within 2 accuracy points of
// wasm — seed-cnn, small-cnn (batch norm, dropout), the MLP, and a MobileNet-shaped model
// (strided and depthwise convolutions, ReLU6, global average pooling) fine-tuned with its
// first convolution and batch norm frozen. Tiny data: lavapipe (CI's adapter) is a CPU
// rasteriser. Skips without an adapter unless TRANSFER_LAB_REQUIRE_WEBGPU=1.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../main/engine/accel/backend';
import { probeWebgpuAdapter } from '../../../main/engine/accel/webgpu';
import { buildModel, resolveFrozenLayers, applyFreeze } from '../../../main/engine/model';
import { classifierOnFeatures } from '../../../main/engine/data/downloads/pretrained';
import { splitValidation, trainModel } from '../../../main/engine/training/train';
import { trainingSchema } from '@contract/spec';
import { bandedSplit } from '../engine/tiny-data';
import { mobilenetLikeModel } from '../engine/data/downloads/fixture-files';

const available = (await probeWebgpuAdapter()) !== undefined || process.env.TRANSFER_LAB_REQUIRE_WEBGPU === '1';
const classes = 3;
const seed = 11;

interface Case {
  name: string;
  shape: [number, number, number];
  epochs: number;
  learningRate: number;
  build: () => tf.LayersModel;
}

const cases: Case[] = [
  { name: 'seed-cnn', shape: [12, 12, 1], epochs: 3, learningRate: 0.01, build: () => buildModel('seed-cnn', [12, 12, 1], classes, seed) },
  { name: 'small-cnn', shape: [12, 12, 1], epochs: 3, learningRate: 0.01, build: () => buildModel('small-cnn', [12, 12, 1], classes, seed) },
  { name: 'mlp', shape: [12, 12, 1], epochs: 3, learningRate: 0.01, build: () => buildModel('mlp', [12, 12, 1], classes, seed) },
  {
    name: 'MobileNet-shaped, fine-tuned with conv1 and its batch norm frozen',
    shape: [16, 16, 3],
    epochs: 6,
    learningRate: 0.05,
    build: () => {
      // As a pretrained MobileNet is used: cut at its global average pooling, a new head, pixels scaled to [-1, 1].
      const model = classifierOnFeatures(mobilenetLikeModel(16), classes, seed, [-1, 1]);
      applyFreeze(model, resolveFrozenLayers(model, { through: 'conv1_bn' }));
      return model;
    },
  },
];

async function trainOn(backend: 'wasm' | 'webgpu', c: Case): Promise<{ accuracy: number; loss: number; replicas: number }> {
  await selectBackend(backend);
  const model = c.build();
  const all = bandedSplit(72, c.shape, classes, seed);
  const data = splitValidation(all, 1 / 3, seed, c.shape);
  const training = trainingSchema.parse({ epochs: c.epochs, batchSize: 8, learningRate: c.learningRate });
  // Two threads asked for: wasm may go data-parallel or use the dense trainer; webgpu must train on its device alone.
  const result = await trainModel(model, data, training, { seed, inputShape: c.shape, numClasses: classes, threads: backend === 'webgpu' ? 2 : 1 });
  expect(tf.getBackend()).toBe(backend);
  model.dispose();
  const last = result.epochs[result.epochs.length - 1];
  return { accuracy: last.valAccuracy!, loss: last.loss, replicas: result.threads };
}

describe.skipIf(!available)('training on webgpu matches wasm on the same seed', () => {
  it.each(cases)('$name', async (c) => {
    const wasm = await trainOn('wasm', c);
    const webgpu = await trainOn('webgpu', c);
    expect(webgpu.replicas).toBe(1);
    // It learned: the banded data is well above chance (1/3) after a few epochs.
    expect(wasm.accuracy).toBeGreaterThan(0.5);
    // The same maths in another order: the last epoch's training loss agrees closely too.
    expect(Math.abs(webgpu.loss - wasm.loss)).toBeLessThanOrEqual(1e-3 * (1 + wasm.loss));
    expect(Math.abs(webgpu.accuracy - wasm.accuracy), `webgpu ${webgpu.accuracy} vs wasm ${wasm.accuracy}`).toBeLessThanOrEqual(0.02);
  }, 180_000);
});
