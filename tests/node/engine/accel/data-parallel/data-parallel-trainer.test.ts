// Data-parallel training over worker threads gives the same weights as ordinary
// single-threaded training on the whole batch (within float32 rounding), including steps
// whose batch is too small to give every replica a sample.
import * as tf from '@tensorflow/tfjs';
import { build } from 'esbuild';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { buildModel } from '../../../../../main/engine/model';
import { createDataParallelTrainer } from '../../../../../main/engine/accel/data-parallel/data-parallel-trainer';
import { seededValues } from '../kernels/cross-backend';

const root = path.resolve(__dirname, '../../../../..');
// Inside the repository so the bundle resolves @tensorflow/* from node_modules.
const replicaFile = path.join(root, 'node_modules', '.cache', 'transfer-lab-tests', 'data-parallel-replica.js');

beforeAll(async () => {
  await build({
    entryPoints: [path.join(root, 'main/engine/accel/data-parallel/replica.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['@tensorflow/*'],
    outfile: replicaFile,
    logLevel: 'error',
  });
  await selectBackend('wasm');
}, 60_000);

afterAll(async () => {
  await tf.setBackend('wasm');
});

interface Batch {
  x: Float32Array;
  y: Int32Array;
  n: number;
}

function batches(inputShape: number[], classes: number, sizes: number[]): Batch[] {
  const size = inputShape.reduce((a, b) => a * b, 1);
  return sizes.map((n, i) => ({
    x: seededValues(n * size, 300 + i),
    y: Int32Array.from(seededValues(n, 400 + i), (v) => Math.abs(Math.floor(v * 7)) % classes),
    n,
  }));
}

/** The reference: optimizer.minimize on the whole batch, as the engine's loop does. */
function trainSingle(model: tf.LayersModel, data: Batch[], inputShape: number[], classes: number): number[] {
  const optimizer = tf.train.adam(0.01);
  const losses: number[] = [];
  for (const b of data) {
    const loss = tf.tidy(() => {
      const xs = tf.tensor(b.x, [b.n, ...inputShape]);
      const ys = tf.oneHot(tf.tensor1d(b.y, 'int32'), classes);
      return optimizer.minimize(() => tf.metrics.categoricalCrossentropy(ys, model.apply(xs, { training: true }) as tf.Tensor).mean() as tf.Scalar, true)!;
    });
    losses.push(loss.dataSync()[0]);
    loss.dispose();
  }
  optimizer.dispose();
  return losses;
}

function expectSameWeights(actual: tf.LayersModel, expected: tf.LayersModel): void {
  const a = actual.getWeights();
  const e = expected.getWeights();
  expect(a.length).toBe(e.length);
  let worst = 0;
  for (let i = 0; i < e.length; i++) {
    const av = a[i].dataSync();
    const ev = e[i].dataSync();
    for (let k = 0; k < ev.length; k++) worst = Math.max(worst, Math.abs(av[k] - ev[k]) / (1 + Math.abs(ev[k])));
  }
  expect(worst).toBeLessThanOrEqual(1e-4);
}

describe('data-parallel training over worker threads', () => {
  const cases: { arch: 'seed-cnn' | 'mlp'; inputShape: number[] }[] = [
    { arch: 'seed-cnn', inputShape: [8, 8, 3] },
    { arch: 'mlp', inputShape: [12] },
  ];
  for (const { arch, inputShape } of cases) {
    it(`${arch}: 2 replicas match single-threaded training step for step`, async () => {
      const classes = 3;
      // 11 and 7 split unevenly; the last batch of 1 leaves the worker replica without a sample.
      const data = batches(inputShape, classes, [11, 7, 10, 1, 9]);
      const single = buildModel(arch, inputShape, classes, 5);
      const parallel = buildModel(arch, inputShape, classes, 5);
      const singleLosses = trainSingle(single, data, inputShape, classes);

      const trainer = await createDataParallelTrainer(parallel, {
        workers: 1,
        optimizer: { name: 'adam', learningRate: 0.01 },
        inputShape,
        numClasses: classes,
        maxBatch: 11,
        backend: 'wasm',
        replicaFile,
      });
      try {
        expect(trainer.replicas).toBe(2);
        const parallelLosses = data.map((b) => trainer.step(b.x, b.y, b.n).lossSum / b.n);
        for (let i = 0; i < data.length; i++) expect(parallelLosses[i]).toBeCloseTo(singleLosses[i], 4);
      } finally {
        await trainer.close();
      }
      expectSameWeights(parallel, single);
      single.dispose();
      parallel.dispose();
    }, 60_000);
  }

  it('rejects a batch larger than it was sized for, and names a replica file that cannot start', async () => {
    const model = buildModel('mlp', [4], 2, 1);
    const options = { workers: 1, optimizer: { name: 'sgd' as const, learningRate: 0.1 }, inputShape: [4], numClasses: 2, maxBatch: 4, backend: 'wasm' as const };
    const trainer = await createDataParallelTrainer(model, { ...options, replicaFile });
    try {
      expect(() => trainer.step(new Float32Array(20), new Int32Array(5), 5)).toThrow(/batch of 5 samples, expected 1\.\.4/);
    } finally {
      await trainer.close();
    }
    const missing = path.join(root, 'no-such-replica.js');
    await expect(createDataParallelTrainer(model, { ...options, replicaFile: missing })).rejects.toThrow(/replica 1 .*no-such-replica\.js/);
    model.dispose();
  }, 60_000);
});
