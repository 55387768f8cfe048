// The dense trainer (outside tfjs, on shared memory, over worker threads) trains a Flatten/
// Dense model to the weights the tfjs path reaches — same loss, gradients, penalty and
// optimizer updates within float rounding — on 1, 2 or 3 threads, including uneven and empty
// shards and frozen layers, and hands its optimizer state back so checkpoints and resumed runs
// continue exactly. Uses the helper-thread bundle the test setup builds into dist/.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { buildModel } from '../../../../../main/engine/model/architectures';
import { readOptimizerState } from '../../../../../main/engine/training/train';
import { createOptimizer } from '../../../../../main/engine/training/optimizers/create-optimizer';
import { localStepRunner } from '../../../../../main/engine/training/step-runner';
import { createDenseTrainer } from '../../../../../main/engine/accel/dense-trainer/dense-trainer';
import { fixedThreadPolicy, type ThreadPolicy } from '../../../../../main/engine/accel/dense-trainer/thread-policy';
import { createPenalty } from '../../../../../main/engine/training/regularization';
import { getWeightsSnapshot } from '../../../../../main/engine/model/weights-snapshot';
import { createRng } from '../../../../../main/engine/rng';
import type { TrainingSpec } from '@contract/spec';

const threadFile = path.resolve('dist/main/dense-trainer-thread.js');
const inputShape = [4, 3, 1];
const inputSize = 12;
const classes = 3;

function batches(count: number, size: number, seed: number) {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const y = new Int32Array(size).map(() => Math.floor(rng() * classes));
    // Inputs depend on the label, so the model learns and losses move.
    const x = new Float32Array(size * inputSize).map((_, i) => rng() + (y[Math.floor(i / inputSize)] === i % classes ? 1 : 0));
    return { x, y };
  });
}

const model = (frozen: string[] = []) => {
  const m = buildModel('mlp', inputShape, classes, 3);
  m.layers.forEach((l) => { l.trainable = !frozen.includes(l.name); });
  return m;
};
const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => w.dataSync().slice() as Float32Array);

/** Equal within float32 rounding of sums: `relative` (absolute below 1). */
function expectClose(actual: number, expected: number, what: string, relative = 1e-5) {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((w, i) => w.forEach((v, k) => { worst = Math.max(worst, Math.abs(v - b[i][k])); }));
  return worst;
}

/** The tfjs path: stock forward (model.apply) and loss, the engine's optimizers. */
function trainWithTfjs(m: tf.LayersModel, optimizer: TrainingSpec['optimizer'], data: ReturnType<typeof batches>, penalty?: () => tf.Scalar) {
  const runner = localStepRunner({
    model: m,
    optimizer: createOptimizer({ optimizer, learningRate: 0.01 }),
    inputShape,
    numClasses: classes,
    forward: (xs) => m.apply(xs, { training: true }) as tf.Tensor,
    penalty,
  });
  const losses: number[] = [];
  return (async () => {
    for (const b of data) {
      runner.run(b.x, b.y, b.y.length, createRng(1));
      losses.push((await runner.lastStep()).loss);
    }
    return { runner, losses };
  })();
}

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('dense trainer', () => {
  for (const optimizer of ['adam', 'sgd', 'rmsprop'] as const) {
    it(`reaches the tfjs path's weights and losses with ${optimizer} on 1, 2 and 3 threads`, async () => {
      // Batches of 10 (3 threads: shards of 4, 3, 3) and a last batch of 2 (one thread gets none).
      const data = [...batches(4, 10, 5), ...batches(1, 2, 6)];
      const reference = model();
      const tfjs = await trainWithTfjs(reference, optimizer, data);
      const expected = weightsOf(reference);
      expect(maxDifference(expected, weightsOf(model()))).toBeGreaterThan(1e-3);
      for (const threads of [1, 2, 3]) {
        const m = model();
        const opt = createOptimizer({ optimizer, learningRate: 0.01 });
        const trainer = await createDenseTrainer(m, opt, { threads, maxBatch: 10, threadFile });
        expect(trainer.threads).toBe(threads);
        const losses = data.map((b) => trainer.step(b.x, b.y, b.y.length).lossSum / b.y.length);
        await trainer.close();
        expect(maxDifference(weightsOf(m), expected), `${threads} threads`).toBeLessThan(1e-5);
        losses.forEach((l, i) => expectClose(l, tfjs.losses[i], `loss of step ${i + 1}`));
        opt.dispose();
      }
      await tfjs.runner.close();
    });
  }

  it('gives bit-identical results however many of its threads work in each step', async () => {
    const data = [...batches(5, 12, 13), ...batches(1, 5, 14)];
    const run = async (policy: ThreadPolicy) => {
      const m = model();
      const trainer = await createDenseTrainer(m, createOptimizer({ optimizer: 'adam', learningRate: 0.01 }), { threads: 3, maxBatch: 12, threadFile, policy });
      const losses = data.map((b) => trainer.step(b.x, b.y, b.y.length).lossSum);
      await trainer.close();
      return { weights: weightsOf(m), losses };
    };
    const all = await run(fixedThreadPolicy(() => 3));
    for (const policy of [fixedThreadPolicy(() => 1), fixedThreadPolicy(() => 2), fixedThreadPolicy((step) => [3, 1, 2][step % 3])]) {
      const other = await run(policy);
      expect(other.weights).toEqual(all.weights);
      expect(other.losses).toEqual(all.losses);
    }
  });

  it('leaves frozen layers as they were and trains the others as tfjs does', async () => {
    const data = batches(4, 8, 7);
    const reference = model(['dense1']);
    const tfjs = await trainWithTfjs(reference, 'adam', data);
    const m = model(['dense1']);
    const before = m.getLayer('dense1').getWeights().map((w) => w.dataSync().slice());
    const opt = createOptimizer({ optimizer: 'adam', learningRate: 0.01 });
    const trainer = await createDenseTrainer(m, opt, { threads: 2, maxBatch: 8, threadFile });
    for (const b of data) trainer.step(b.x, b.y, 8);
    await trainer.close();
    expect(m.getLayer('dense1').getWeights().map((w) => w.dataSync().slice())).toEqual(before);
    expect(maxDifference(weightsOf(m), weightsOf(reference))).toBeLessThan(1e-5);
    await tfjs.runner.close();
    opt.dispose();
  });

  it('applies an L2-SP penalty as the tfjs path does, and reports it in the loss', async () => {
    const data = batches(4, 8, 8);
    const build = () => {
      const m = model();
      const source = getWeightsSnapshot(m);
      // Move away from the source so the penalty is not zero from the first step.
      m.setWeights(m.getWeights().map((w) => tf.tidy(() => w.add(0.05))));
      return { m, penalty: createPenalty(m, { kind: 'l2-sp', alpha: 0.5, beta: 0.1 }, { source, newLayers: ['head'] })! };
    };
    const reference = build();
    const tfjs = await trainWithTfjs(reference.m, 'adam', data, reference.penalty.value);
    const { m, penalty } = build();
    const opt = createOptimizer({ optimizer: 'adam', learningRate: 0.01 });
    const trainer = await createDenseTrainer(m, opt, { threads: 2, maxBatch: 8, penalty: penalty.terms, threadFile });
    const losses = data.map((b) => trainer.step(b.x, b.y, 8).lossSum / 8);
    await trainer.close();
    // The penalty sums ~10k float32 squares (tfjs one after another, here 4 lanes at a time):
    // rounding alone moves a sum of that length by ~1e-5 of itself.
    losses.forEach((l, i) => expectClose(l, tfjs.losses[i], `loss of step ${i + 1}`, 5e-5));
    expect(maxDifference(weightsOf(m), weightsOf(reference.m))).toBeLessThan(1e-5);
    // Without the penalty the weights end elsewhere: the penalty did something.
    const plain = model();
    plain.setWeights(plain.getWeights().map((w) => tf.tidy(() => w.add(0.05))));
    const plainTrainer = await createDenseTrainer(plain, createOptimizer({ optimizer: 'adam', learningRate: 0.01 }), { threads: 1, maxBatch: 8, threadFile });
    for (const b of data) plainTrainer.step(b.x, b.y, 8);
    await plainTrainer.close();
    expect(maxDifference(weightsOf(plain), weightsOf(m))).toBeGreaterThan(1e-4);
    await tfjs.runner.close();
  });

  it('hands its optimizer state to the tfjs optimizer: a run resumed from it continues as the uninterrupted one', async () => {
    const data = batches(6, 8, 9);
    const whole = model();
    const wholeOpt = createOptimizer({ optimizer: 'adam', learningRate: 0.01 });
    const wholeTrainer = await createDenseTrainer(whole, wholeOpt, { threads: 2, maxBatch: 8, threadFile });
    for (const b of data) wholeTrainer.step(b.x, b.y, 8);
    await wholeTrainer.close();

    // First half, then "checkpoint" (weights and optimizer state as plain arrays) …
    const first = model();
    const firstOpt = createOptimizer({ optimizer: 'adam', learningRate: 0.01 });
    const firstTrainer = await createDenseTrainer(first, firstOpt, { threads: 2, maxBatch: 8, threadFile });
    for (const b of data.slice(0, 3)) firstTrainer.step(b.x, b.y, 8);
    firstTrainer.sync();
    const state = await readOptimizerState(firstOpt);
    expect(state.find((s) => s.name === 'iter')?.values[0]).toBe(3);
    // Named as tfjs's Adam names them: the variable's name (tfjs may suffix it), then /m or /v.
    expect(state.filter((s) => /^dense1\/kernel(_\d+)?\/[mv]$/.test(s.name))).toHaveLength(2);
    const checkpoint = weightsOf(first);
    await firstTrainer.close();

    // … then a fresh model and optimizer restored from it, on one thread this time.
    const resumed = model();
    resumed.setWeights(checkpoint.map((values, i) => tf.tensor(values, resumed.getWeights()[i].shape)));
    const resumedOpt = createOptimizer({ optimizer: 'adam', learningRate: 0.01 });
    await resumedOpt.setWeights(state.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape) })));
    const resumedTrainer = await createDenseTrainer(resumed, resumedOpt, { threads: 1, maxBatch: 8, threadFile });
    for (const b of data.slice(3)) resumedTrainer.step(b.x, b.y, 8);
    await resumedTrainer.close();
    expect(maxDifference(weightsOf(resumed), weightsOf(whole))).toBeLessThan(1e-5);
    expect(resumedOpt.iterations).toBe(6);
  });

  it('trains the same from a batch gathered into its own buffer as from a copy', async () => {
    const data = batches(3, 6, 12);
    const run = async (inPlace: boolean) => {
      const m = model();
      const trainer = await createDenseTrainer(m, createOptimizer({ optimizer: 'adam', learningRate: 0.01 }), { threads: 2, maxBatch: 8, threadFile });
      for (const b of data) {
        if (!inPlace) trainer.step(b.x, b.y, 6);
        else {
          trainer.batchBuffer.x.set(b.x);
          trainer.batchBuffer.y.set(b.y);
          trainer.step(trainer.batchBuffer.x.subarray(0, b.x.length), trainer.batchBuffer.y.subarray(0, 6), 6);
        }
      }
      await trainer.close();
      return weightsOf(m);
    };
    expect(maxDifference(await run(true), await run(false))).toBe(0);
  });

  it('refuses labels outside the classes, naming the row', async () => {
    const trainer = await createDenseTrainer(model(), createOptimizer({ optimizer: 'sgd', learningRate: 0.1 }), { threads: 1, maxBatch: 4, threadFile });
    expect(() => trainer.step(new Float32Array(4 * inputSize), Int32Array.from([0, 1, 3, 0]), 4)).toThrow(/label 3 at row 2 is outside 0\.\.2/);
    await trainer.close();
  });

  it('fails the step, instead of hanging, when a helper thread stops responding', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dense-thread-'));
    const silent = path.join(dir, 'silent-thread.js');
    // Says it is ready, then never takes part in a step.
    fs.writeFileSync(silent, "require('node:worker_threads').parentPort.postMessage('ready');\n");
    const trainer = await createDenseTrainer(model(), createOptimizer({ optimizer: 'adam', learningRate: 0.01 }), { threads: 2, maxBatch: 4, threadFile: silent, stallMs: 200 });
    const [b] = batches(1, 4, 1);
    expect(() => trainer.step(b.x, b.y, 4)).toThrow(/did not respond for 0\.2 s/);
    await trainer.close();
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('declines models and optimizers it does not cover', async () => {
    await expect(createDenseTrainer(buildModel('seed-cnn', [8, 8, 1], 3, 1), createOptimizer({ optimizer: 'adam', learningRate: 0.01 }), { threads: 1, maxBatch: 4, threadFile }))
      .rejects.toThrow(/not only Flatten and Dense layers/);
    await expect(createDenseTrainer(model(), createOptimizer({ optimizer: 'adadelta', learningRate: 0.01 }), { threads: 1, maxBatch: 4, threadFile }))
      .rejects.toThrow(/Adadelta optimizer is not supported/);
  });
});
