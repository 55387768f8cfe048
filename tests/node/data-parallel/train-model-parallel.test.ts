// trainModel with two threads (data-parallel over worker_threads) trains to the same
// weights and metrics as on one thread, and falls back to one thread, saying why, when a
// step cannot be split by samples. Uses the replica bundle the test setup builds into dist/.
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../main/engine/backend';
import { buildModel } from '../../../main/engine/models';
import { trainModel } from '../../../main/engine/train';
import { planParallelism } from '../../../main/engine/step-runner';
import { createRng } from '../../../main/engine/rng';
import type { TrainingSpec } from '../../../main/engine/spec';

const replicaFile = path.resolve('dist/main/data-parallel-replica.js');
const inputShape = [12, 12, 1];

function tinySplit(count: number, seed: number) {
  const rng = createRng(seed);
  const x = new Float32Array(count * 144).map(() => rng());
  const y = new Int32Array(count).map((_, i) => i % 3);
  // Class 1 brighter, class 2 darker: learnable in a few steps.
  for (let i = 0; i < count; i++) for (let p = 0; p < 144; p++) x[i * 144 + p] = Math.min(1, x[i * 144 + p] * (y[i] === 2 ? 0.3 : 1) + (y[i] === 1 ? 0.5 : 0));
  return { x, y, ids: Array.from({ length: count }, (_, i) => `s${i}`) };
}

const training: TrainingSpec = { epochs: 2, batchSize: 16, optimizer: 'adam', learningRate: 0.01, validationSplit: 0 };

async function train(threads: number) {
  const model = buildModel('seed-cnn', inputShape, 3, 5);
  const result = await trainModel(model, { train: tinySplit(40, 1), validation: tinySplit(12, 2) }, training, {
    seed: 9,
    inputShape,
    numClasses: 3,
    threads,
    replicaFile,
  });
  const weights = model.getWeights().map((w) => w.dataSync().slice());
  model.dispose();
  return { result, weights };
}

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('trainModel on two threads', () => {
  it('ends with the weights and metrics of one-thread training', async () => {
    const one = await train(1);
    const two = await train(2);
    expect(one.result.threads).toBe(1);
    expect(two.result.threads).toBe(2);
    expect(two.result.epochs).toHaveLength(2);
    for (let e = 0; e < 2; e++) {
      expect(two.result.epochs[e].loss).toBeCloseTo(one.result.epochs[e].loss, 4);
      expect(two.result.epochs[e].accuracy).toBeCloseTo(one.result.epochs[e].accuracy, 6);
      expect(two.result.epochs[e].valLoss!).toBeCloseTo(one.result.epochs[e].valLoss!, 4);
    }
    let maxDiff = 0;
    one.weights.forEach((w, i) => w.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - two.weights[i][k])))));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('stays on one thread, and says why, when a step cannot be split by samples', () => {
    const model = buildModel('seed-cnn', inputShape, 3, 5);
    expect(planParallelism(model, 2, 'wasm', {}).description).toBe('data-parallel training over 2 threads');
    expect(planParallelism(model, 2, 'wasm', { penalty: () => tf.scalar(0) }).description).toMatch(/not data-parallel: a regularisation penalty is on/);
    expect(planParallelism(model, 2, 'wasm', { optimizerState: [{}] }).description).toMatch(/continues from a checkpoint/);
    expect(planParallelism(model, 2, 'tensorflow', {}).workers).toBe(0);
    expect(planParallelism(model, 1, 'wasm', {}).description).toBe('training on one thread');
    model.dispose();
  });
});
