// The fused wasm optimizers against tfjs's stock optimizers on the reference cpu backend:
// same variables, same gradient sequence, several steps, shapes whose sizes are not multiples
// of 4 (the SIMD loops' scalar tails). Also: the update really is fused (no tfjs kernels),
// checkpoint state round-trips, and in-place updates never leak into tensors sharing a buffer.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { fusedAdam, fusedRmsprop, fusedSgd } from '../../../../../main/engine/training/optimizers';
import { createRng } from '../../../../../main/engine/rng';

const shapes = [[3], [5, 7], [4, 4], [2, 3, 3, 5], [1], [130]];
const steps = 5;

function seededValues(size: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng() + rng() + rng() - 1.5;
  return out;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
let unique = 0;

interface Outcome {
  variables: Float32Array[];
  state: { name: string; values: Float32Array }[];
}

/** Trains fresh variables for `count` steps from `from` (or seeded values) with `optimizer`. */
async function train(backend: 'cpu' | 'wasm', optimizer: tf.Optimizer, count: number, from?: Float32Array[], firstStep = 0): Promise<Outcome> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not initialise`);
  const run = unique++;
  const variables = shapes.map((shape, i) => tf.variable(tf.tensor(from?.[i] ?? seededValues(size(shape), 100 + i), shape), true, `fused-test-${run}-${i}`));
  for (let s = firstStep; s < firstStep + count; s++) {
    // Gradient scales vary per variable and step so moments and β powers all matter; the last
    // variable's are tiny (√v̂ ≈ ε), so where ε enters the formula shows in the results.
    const gradients: tf.NamedTensorMap = {};
    variables.forEach((v, i) => {
      const scale = i === variables.length - 1 ? 1e-7 : 1 + i + s;
      gradients[v.name] = tf.tensor(seededValues(v.size, 1000 * s + i).map((x) => x * scale), v.shape);
    });
    optimizer.applyGradients(gradients);
    tf.dispose(Object.values(gradients));
  }
  const outcome = await readOutcome(variables, optimizer);
  tf.dispose(variables);
  return outcome;
}

async function readOutcome(variables: tf.Variable[], optimizer: tf.Optimizer): Promise<Outcome> {
  const named = await optimizer.getWeights();
  const state = [];
  // Names embed the run's variable names; compare positions and the suffix (/m, /v, iter).
  for (const { name, tensor } of named) state.push({ name: name.replace(/^fused-test-\d+-/, ''), values: Float32Array.from(await tensor.data()) });
  for (const { name, tensor } of named) if (name === 'iter') tensor.dispose();
  return { variables: await Promise.all(variables.map(async (v) => Float32Array.from(await v.data()))), state };
}

/** |a − b| ≤ 1e-5·|b| (plus a tiny absolute floor for values near zero). */
function expectSame(actual: Outcome, expected: Outcome): void {
  const close = (a: Float32Array, b: Float32Array, what: string) => {
    expect(a.length, what).toBe(b.length);
    for (let i = 0; i < b.length; i++) {
      expect(Math.abs(a[i] - b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(1e-5 * Math.abs(b[i]) + 1e-12);
    }
  };
  actual.variables.forEach((v, i) => close(v, expected.variables[i], `variable ${i}`));
  expect(actual.state.map((s) => s.name)).toEqual(expected.state.map((s) => s.name));
  actual.state.forEach((s, i) => close(s.values, expected.state[i].values, `optimizer state ${s.name}`));
}

describe('fused optimizers on wasm match tfjs on cpu', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('Adam: variables, moments and iterations after several steps', async () => {
    const reference = await train('cpu', tf.train.adam(0.01), steps);
    const fused = await train('wasm', fusedAdam(0.01), steps);
    expectSame(fused, reference);
    expect(fused.state.map((s) => s.name).slice(0, 3)).toEqual(['iter', '0/m', '1/m']);
  });

  it('SGD and RMSProp likewise', async () => {
    expectSame(await train('wasm', fusedSgd(0.05), steps), await train('cpu', tf.train.sgd(0.05), steps));
    expectSame(await train('wasm', fusedRmsprop(0.01), steps), await train('cpu', tf.train.rmsprop(0.01), steps));
  });

  it('falls back to the stock update on the cpu backend', async () => {
    expectSame(await train('cpu', fusedAdam(0.01), steps), await train('cpu', tf.train.adam(0.01), steps));
  });

  it('updates each variable without running any tfjs kernel, and without leaking tensors', async () => {
    await tf.setBackend('wasm');
    const v = tf.variable(tf.tensor(seededValues(35, 1), [5, 7]), true, `fused-kernels-${unique++}`);
    const g = tf.tensor(seededValues(35, 2), [5, 7]);
    const fused = fusedAdam(0.01);
    const stock: tf.Optimizer = tf.train.adam(0.01);
    // First steps create the moment variables (zerosLike kernels); count a later one.
    fused.applyGradients({ [v.name]: g });
    stock.applyGradients({ [v.name]: g });
    const fusedKernels = (await tf.profile(() => fused.applyGradients([{ name: v.name, tensor: g }]))).kernels.length;
    const stockKernels = (await tf.profile(() => stock.applyGradients({ [v.name]: g }))).kernels.length;
    expect(fusedKernels).toBe(0);
    expect(stockKernels).toBeGreaterThan(5);
    // Each step replaces the weights' buffer and keeps its state: nothing accumulates.
    const before = tf.memory();
    for (let i = 0; i < 3; i++) fused.applyGradients({ [v.name]: g });
    expect([tf.memory().numTensors, tf.memory().numBytes]).toEqual([before.numTensors, before.numBytes]);
    tf.dispose([v, g]);
    fused.dispose();
    stock.dispose();
  });

  it('getWeights/setWeights round-trip: a restored optimizer continues exactly as the original', async () => {
    const original = fusedAdam(0.01);
    const half = await train('wasm', original, 3);
    const restored = fusedAdam(0.01);
    // As restoreOptimizerState does: tensors from plain arrays, disposed after setWeights.
    const named = half.state.map((s, i) => ({ name: s.name, tensor: tf.tensor(s.values, s.name === 'iter' ? [] : shapes[(i - 1) % shapes.length]) }));
    await restored.setWeights(named);
    tf.dispose(named.map((n) => n.tensor));
    const continued = await train('wasm', restored, 3, half.variables, 3);
    const uninterrupted = await train('wasm', fusedAdam(0.01), 6);
    expect(continued.variables).toEqual(uninterrupted.variables);
    expect(continued.state.map((s) => s.values)).toEqual(uninterrupted.state.map((s) => s.values));
    // And the same run on cpu with the stock optimizer agrees.
    expectSame(continued, await train('cpu', tf.train.adam(0.01), 6));
  });

  it('trains a Dense model through minimize exactly as stock Adam on wasm (forward passes see new weights)', async () => {
    await tf.setBackend('wasm');
    // Weights written in place under the same tensor id would be read stale by XNNPACK's
    // cached matmul operators; each step's forward pass must use the updated weights.
    const x = tf.tensor(seededValues(8 * 20, 9), [8, 20]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2], 'int32'), 5);
    const trained = (optimizer: tf.Optimizer) => {
      const model = tf.sequential({ layers: [
        tf.layers.dense({ units: 16, activation: 'relu', inputShape: [20], kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
        tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      ] });
      const losses = [];
      for (let s = 0; s < 4; s++) {
        const loss = optimizer.minimize(() => tf.metrics.categoricalCrossentropy(y, model.apply(x) as tf.Tensor).mean() as tf.Scalar, true)!;
        losses.push(loss.dataSync()[0]);
        loss.dispose();
      }
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      optimizer.dispose();
      return { losses, weights };
    };
    const fused = trained(fusedAdam(0.05));
    const stock = trained(tf.train.adam(0.05));
    expect(fused.losses[3]).toBeLessThan(fused.losses[0]);
    expect(fused).toEqual(stock);
    tf.dispose([x, y]);
  });

  it('rejects restored state that does not fit the weights, changing nothing', async () => {
    await tf.setBackend('wasm');
    const v = tf.variable(tf.tensor(seededValues(6, 8), [2, 3]), true, `fused-misfit-${unique++}`);
    const before = Array.from(v.dataSync());
    const optimizer = fusedAdam(0.1);
    const state = [
      { name: 'iter', tensor: tf.scalar(2) },
      { name: `${v.name}/m`, tensor: tf.zeros([4]) },
      { name: `${v.name}/v`, tensor: tf.zeros([4]) },
    ];
    await optimizer.setWeights(state);
    const g = tf.ones([2, 3]);
    expect(() => optimizer.applyGradients({ [v.name]: g })).toThrow(/optimizer state '.*\/m' is float32 \[4\] but weight '.*' is float32 \[2, 3\]/);
    expect(Array.from(v.dataSync())).toEqual(before);
    tf.dispose([v, g, ...state.map((s) => s.tensor)]);
    optimizer.dispose();
  });

  it('never writes into a tensor that shares a variable\'s buffer', async () => {
    await tf.setBackend('wasm');
    const initial = tf.tensor(seededValues(10, 5), [10]);
    const before = Float32Array.from(initial.dataSync());
    const v = tf.variable(tf.zeros([10]), true, `fused-shared-${unique++}`);
    v.assign(initial); // v now shares initial's buffer
    const reshaped = v.reshape([2, 5]); // and so does this view
    const g = tf.ones([10]);
    const optimizer = fusedAdam(0.1);
    optimizer.applyGradients({ [v.name]: g });
    expect(Array.from(initial.dataSync())).toEqual(Array.from(before));
    expect(Array.from(reshaped.dataSync())).toEqual(Array.from(before));
    // Adam's first step moves every weight by lr·sign(g) (to within ε).
    Array.from(v.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(before[i] - 0.1, 5));
    tf.dispose([initial, v, reshaped, g]);
    optimizer.dispose();
  });
});
