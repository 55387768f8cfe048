// trainModel with two threads — data-parallel tfjs replicas for a CNN, the dense trainer for
// an MLP — trains to the same weights and metrics as on one thread, and falls back to one
// thread, saying why, when a step cannot be split by samples. Uses the replica and
// dense-trainer thread bundles the test setup builds into dist/.
import { floatSamples } from '../../../../../main/engine/data/datasets/samples';
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { buildModel } from '../../../../../main/engine/model';
import { trainModel } from '../../../../../main/engine/training/train';
import { planParallelism } from '../../../../../main/engine/training/step-runner';
import { MAX_THREADS as DENSE_MAX_THREADS } from '../../../../../main/engine/accel/dense-trainer/dense-layout';
import { createRng } from '../../../../../main/engine/rng';
import type { TrainingSpec } from '@contract/spec';

const replicaFile = path.resolve('dist/main/data-parallel-replica.js');
const denseThreadFile = path.resolve('dist/main/dense-trainer-thread.js');
const inputShape = [12, 12, 1];

function tinySplit(count: number, seed: number) {
  const rng = createRng(seed);
  const x = new Float32Array(count * 144).map(() => rng());
  const y = new Int32Array(count).map((_, i) => i % 3);
  // Class 1 brighter, class 2 darker: learnable in a few steps.
  for (let i = 0; i < count; i++) for (let p = 0; p < 144; p++) x[i * 144 + p] = Math.min(1, x[i * 144 + p] * (y[i] === 2 ? 0.3 : 1) + (y[i] === 1 ? 0.5 : 0));
  return { x: floatSamples(x, 144), y, ids: Array.from({ length: count }, (_, i) => `s${i}`) };
}

const training: TrainingSpec = { epochs: 2, batchSize: 16, optimizer: 'adam', learningRate: 0.01, validationSplit: 0 };

async function train(threads: number, arch: 'seed-cnn' | 'mlp' = 'seed-cnn', plan?: ReturnType<typeof planParallelism>) {
  const model = buildModel(arch, inputShape, 3, 5);
  const result = await trainModel(model, { train: tinySplit(40, 1), validation: tinySplit(12, 2) }, training, {
    seed: 9,
    inputShape,
    numClasses: 3,
    threads,
    replicaFile,
    denseThreadFile,
    plan,
  });
  const weights = model.getWeights().map((w) => w.dataSync().slice());
  model.dispose();
  return { result, weights };
}

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('the step plan', () => {
  it('is made once by the caller and followed as given: a one-thread plan trains on one thread even when two are offered', async () => {
    const oneThread = { kind: 'local' as const, threads: 1, workers: 0, description: 'training on one thread (planned by the caller)' };
    const planned = await train(2, 'mlp', oneThread);
    expect(planned.result.threads).toBe(1);
    const unplanned = await train(2, 'mlp');
    expect(unplanned.result.threads).toBe(2);
  });
});

describe('trainModel on two threads', () => {
  // seed-cnn trains data-parallel (tfjs replicas), the MLP in the dense trainer. Validation runs
  // on the tfjs model, so equal validation losses also show the weights reached it each epoch.
  for (const [arch, how] of [['seed-cnn', 'data-parallel replicas'], ['mlp', 'the dense trainer']] as const) {
    it(`${arch} (${how}) ends with the weights and metrics of one-thread training`, async () => {
      const one = await train(1, arch);
      const two = await train(2, arch);
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
  }

  it('keeps what a cancelled dense-trainer run learned: the model holds the weights of its last step', async () => {
    const model = buildModel('mlp', inputShape, 3, 5);
    const initial = model.getWeights().map((w) => w.dataSync().slice());
    let steps = 0;
    const result = await trainModel(model, { train: tinySplit(40, 1) }, { ...training, batchSize: 16, epochs: 5 }, {
      seed: 9,
      inputShape,
      numClasses: 3,
      threads: 2,
      denseThreadFile,
      progressIntervalMs: 0,
      callbacks: { onStep: () => { steps += 1; }, shouldStop: () => steps >= 2 },
    });
    expect(result.cancelled).toBe(true);
    expect(result.threads).toBe(2);
    expect(result.epochs).toHaveLength(0);
    const after = model.getWeights().map((w) => w.dataSync());
    expect(after.some((w, i) => w.some((v, k) => v !== initial[i][k]))).toBe(true);
    model.dispose();
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

  it('plans the dense trainer for Flatten/Dense models, and says why not when it cannot', () => {
    const mlp = buildModel('mlp', inputShape, 3, 5);
    expect(planParallelism(mlp, 2, 'wasm', { optimizer: 'adam' })).toMatchObject({ kind: 'dense', threads: 2, description: 'dense trainer (outside tfjs) on 2 threads' });
    expect(planParallelism(mlp, 1, 'cpu', { optimizer: 'sgd' })).toMatchObject({ kind: 'dense', threads: 1 });
    // At least 8 samples per thread: batch 20 gives 2 of 4 threads, batch 4 one.
    expect(planParallelism(mlp, 4, 'wasm', { batchSize: 20 })).toMatchObject({ kind: 'dense', threads: 2 });
    expect(planParallelism(mlp, 4, 'wasm', { batchSize: 4 })).toMatchObject({ kind: 'dense', threads: 1, description: 'dense trainer (outside tfjs) on 1 thread' });
    expect(planParallelism(mlp, 2, 'wasm', { optimizer: 'adadelta' })).toMatchObject({ kind: 'local', threads: 1 });
    expect(planParallelism(mlp, 2, 'wasm', { optimizer: 'adadelta' }).description).toMatch(/not the dense trainer: the Adadelta optimizer/);
    expect(planParallelism(mlp, 2, 'wasm', { penalty: () => tf.scalar(0) }).description).toMatch(/penalty is not given as terms/);
    expect(planParallelism(mlp, 2, 'wasm', { augment: () => undefined }).description).toMatch(/augmentation is on/);
    expect(planParallelism(mlp, 2, 'tensorflow', {}).kind).toBe('local');
    mlp.dispose();
  });

  it('never plans more dense-trainer threads than it has (a spec may ask for up to 64)', async () => {
    const mlp = buildModel('mlp', inputShape, 3, 5);
    const plan = planParallelism(mlp, 64, 'wasm', { optimizer: 'adam', batchSize: 1024 });
    expect(plan).toMatchObject({ kind: 'dense', threads: DENSE_MAX_THREADS, description: `dense trainer (outside tfjs) on ${DENSE_MAX_THREADS} threads` });
    mlp.dispose();
    // Asked for 16 threads with room for 16 shares of a batch: it trains (on 15) rather than failing.
    const result = await trainModel(buildModel('mlp', inputShape, 3, 5), { train: tinySplit(160, 1) }, { ...training, batchSize: 128, epochs: 1 }, {
      seed: 9,
      inputShape,
      numClasses: 3,
      threads: 16,
      replicaFile,
      denseThreadFile,
    });
    expect(result.threads).toBe(DENSE_MAX_THREADS);
    expect(result.epochs).toHaveLength(1);
  }, 60_000);
});
