// The fused training paths on wasm — the fused chain forward (C batch norm, relu mask,
// FusedConv2D) and the dense trainer (C kernels on shared memory) — against the reference
// cpu backend running the stock tfjs-layers graph: the same loss and gradients, and the same
// weights after optimizer steps, within float32 rounding.
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { fusedChainForward } from '../../../../../main/engine/accel/fused-chain';
import { buildModel } from '../../../../../main/engine/model/architectures';
import { createDenseTrainer } from '../../../../../main/engine/accel/dense-trainer/dense-trainer';
import { createOptimizer } from '../../../../../main/engine/training/optimizers/create-optimizer';
import { expectClose, seededValues } from './cross-backend';

const threadFile = path.resolve('dist/main/dense-trainer-thread.js');

type Values = { values: Float32Array; shape: number[] };

/** Loss and gradients (by layer/weight name) of `model` on the current backend. */
async function lossAndGrads(model: tf.LayersModel, forward: (x: tf.Tensor) => tf.Tensor, x: Float32Array, shape: number[], labels: number[]) {
  const classes = model.outputs[0].shape[1] as number;
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.tidy(() => {
    const xs = tf.tensor(x, shape);
    const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), classes);
    return tf.variableGrads(() => tf.metrics.categoricalCrossentropy(ys, forward(xs) as tf.Tensor2D).mean() as tf.Scalar, vars);
  });
  const out = new Map<string, Values>();
  out.set('loss', { values: Float32Array.from(await value.data()), shape: [] });
  model.trainableWeights.forEach((w, i) => {
    const g = grads[vars[i].name];
    out.set(w.originalName, { values: Float32Array.from(g.dataSync()), shape: g.shape.slice() });
  });
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

/** The same model on the current backend, with `weights` (values from another backend). */
function rebuild(arch: 'seed-cnn' | 'small-cnn' | 'mlp', inputShape: number[], classes: number, weights: Float32Array[]): tf.LayersModel {
  const model = buildModel(arch, inputShape, classes, 3);
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i], w.shape)));
  return model;
}

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('fused wasm training paths against the cpu backend', () => {
  for (const arch of ['seed-cnn', 'small-cnn'] as const) {
    it(`${arch}: the fused chain's loss and gradients on wasm equal model.apply's on cpu`, async () => {
      const inputShape = [8, 8, 3];
      const shape = [6, ...inputShape];
      const x = seededValues(6 * 8 * 8 * 3, 21).map((v) => v * 2);
      const labels = [0, 1, 2, 2, 1, 0];
      await tf.setBackend('cpu');
      const cpuModel = buildModel(arch, inputShape, 3, 3);
      const weights = cpuModel.getWeights().map((w) => Float32Array.from(w.dataSync()));
      const expected = await lossAndGrads(cpuModel, (xs) => cpuModel.apply(xs, { training: true }) as tf.Tensor, x, shape, labels);
      await tf.setBackend('wasm');
      const wasmModel = rebuild(arch, inputShape, 3, weights);
      const actual = await lossAndGrads(wasmModel, fusedChainForward(wasmModel)!, x, shape, labels);
      expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [name, values] of expected) expectClose(actual.get(name)!, values);
    });
  }

  it('the dense trainer on 2 threads ends where tfjs on cpu does after 5 Adam steps', async () => {
    const inputShape = [5, 5, 1];
    const x = seededValues(8 * 25, 22);
    const labels = Int32Array.from([0, 1, 2, 0, 1, 2, 2, 1]);
    await tf.setBackend('cpu');
    const cpuModel = buildModel('mlp', inputShape, 3, 3);
    const initial = cpuModel.getWeights().map((w) => Float32Array.from(w.dataSync()));
    const optimizer = createOptimizer({ optimizer: 'adam', learningRate: 0.01 });
    for (let i = 0; i < 5; i++) {
      tf.tidy(() => {
        const xs = tf.tensor(x, [8, ...inputShape]);
        const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
        optimizer.minimize(() => tf.metrics.categoricalCrossentropy(ys, cpuModel.apply(xs, { training: true }) as tf.Tensor2D).mean() as tf.Scalar);
      });
    }
    const expected = cpuModel.getWeights().map((w) => ({ values: Float32Array.from(w.dataSync()), shape: w.shape.slice() }));
    await tf.setBackend('wasm');
    const model = rebuild('mlp', inputShape, 3, initial);
    const trainer = await createDenseTrainer(model, createOptimizer({ optimizer: 'adam', learningRate: 0.01 }), { threads: 2, maxBatch: 8, threadFile });
    for (let i = 0; i < 5; i++) trainer.step(x, labels, 8);
    await trainer.close();
    model.getWeights().forEach((w, i) => expectClose({ values: Float32Array.from(w.dataSync()), shape: w.shape.slice() }, expected[i]));
  });
});
