// The fused cross-entropy gives tfjs-layers' loss, gradient and argMax accuracy (within float
// rounding) on wasm and cpu, clipped and unnormalised rows included, and the step runner
// built on it trains exactly as the stock ops did.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../main/engine/accel/backend';
import { fusedDenseForward } from '../../../../../main/engine/accel/fused-dense';
import { categoricalCrossEntropy } from '../../../../../main/engine/training/losses';
import { buildModel } from '../../../../../main/engine/model/architectures';
import { createRng } from '../../../../../main/engine/rng';
import { localStepRunner } from '../../../../../main/engine/training/step-runner';
import { createOptimizer } from '../../../../../main/engine/training/optimizers/create-optimizer';
import { seededValues } from '../../accel/kernels/cross-backend';

function stockLoss(pred: tf.Tensor2D, labels: Int32Array, classes: number) {
  const t = tf.tensor1d(labels, 'int32');
  return {
    loss: tf.metrics.categoricalCrossentropy(tf.oneHot(t, classes), pred).mean() as tf.Scalar,
    correct: pred.argMax(1).equal(t).sum().cast('float32') as tf.Scalar,
  };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i]), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expected[i])));
  }
}

describe.each(['wasm', 'cpu'] as const)('categoricalCrossEntropy on %s', (backend) => {
  it('matches tfjs-layers in value, gradient (through a scaled upstream) and correct count', async () => {
    await selectBackend(backend);
    const classes = 5;
    const probs = tf.softmax(tf.tensor2d(seededValues(6 * classes, 3).map((v) => v * 6), [6, classes]));
    // Row 3 sums to 2 (normalised first), row 4 has p_y ≈ 1 and row 5 p_y ≈ 0 (clipped: no
    // gradient), row 2 a tie for the maximum (argMax takes the first).
    const rows = (await probs.array()) as number[][];
    rows[2] = [0.3, 0.3, 0.2, 0.1, 0.1];
    rows[3] = rows[3].map((v) => 2 * v);
    rows[4] = [1, 0, 0, 0, 0];
    rows[5] = [0, 1, 0, 0, 0];
    const pred = tf.tensor2d(rows);
    const labels = new Int32Array([0, 4, 1, 2, 0, 2]);
    const run = (f: typeof stockLoss) => {
      let correct = 0;
      const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => {
        const r = f(p as tf.Tensor2D, labels, classes);
        correct = r.correct.dataSync()[0];
        return r.loss.mul(3) as tf.Scalar;
      })(pred);
      return { value: value.dataSync(), grad: grad.dataSync(), correct };
    };
    const stock = run(stockLoss);
    const fused = run((p, l) => categoricalCrossEntropy(p, l));
    expectClose(fused.value, stock.value, 'loss');
    expectClose(fused.grad, stock.grad, 'dL/dp');
    expect(fused.correct).toBe(stock.correct);
    expect(Array.from(fused.grad.slice(20, 30)).every((g) => g === 0)).toBe(true);
  });

  it('rejects labels that do not match the predictions', async () => {
    await selectBackend(backend);
    const pred = tf.tensor2d([[0.5, 0.5]]);
    expect(() => categoricalCrossEntropy(pred, new Int32Array([0, 1]))).toThrow(/labels has 2 entries.*\(1\)/);
    expect(() => categoricalCrossEntropy(pred, new Int32Array([2]))).toThrow(/label 2 at row 0 is outside 0\.\.1/);
  });

  it('trains the MLP as the stock loss did: losses, counts and weights after several Adam steps', async () => {
    await selectBackend(backend);
    const [n, shape, classes] = [16, [6, 6, 1], 4];
    const x = new Float32Array(seededValues(n * 36, 5));
    const y = Int32Array.from({ length: n }, (_, i) => (i * 3) % classes);
    const trainWith = async (useRunner: boolean) => {
      const model = buildModel('mlp', shape, classes, 9);
      const forward = fusedDenseForward(model)!;
      const optimizer = createOptimizer({ optimizer: 'adam', learningRate: 0.01 });
      const losses: number[] = [];
      const counts: number[] = [];
      if (useRunner) {
        const runner = localStepRunner({ model, optimizer, inputShape: shape, numClasses: classes, forward });
        for (let s = 0; s < 5; s++) {
          runner.run(x, y, n, createRng(1));
          const last = await runner.lastStep();
          losses.push(last.loss);
          counts.push(last.correct);
        }
        const totals = await runner.takeTotals();
        losses.push(totals.lossSum);
        counts.push(totals.correct);
      } else {
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        let lossSum = 0;
        let correctSum = 0;
        for (let s = 0; s < 5; s++) {
          tf.tidy(() => {
            const r = { correct: 0 };
            const xs = tf.tensor(x, [n, ...shape]);
            const loss = optimizer.minimize(() => {
              const out = stockLoss(forward(xs) as tf.Tensor2D, y, classes);
              r.correct = out.correct.dataSync()[0];
              return out.loss;
            }, true, vars)!;
            losses.push(loss.dataSync()[0]);
            counts.push(r.correct);
            lossSum += losses[losses.length - 1] * n;
            correctSum += r.correct;
          });
        }
        losses.push(lossSum);
        counts.push(correctSum);
      }
      const weights = model.trainableWeights.flatMap((w) => Array.from(w.read().dataSync()));
      return { losses, counts, weights };
    };
    const stock = await trainWith(false);
    const fused = await trainWith(true);
    expectClose(fused.losses, stock.losses, 'losses');
    expect(fused.counts).toEqual(stock.counts);
    expectClose(fused.weights, stock.weights, 'weights');
    expect(stock.losses[4]).toBeLessThan(stock.losses[0]);
  });
});
