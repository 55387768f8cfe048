// The training loss of a softmax classifier, tf.metrics.categoricalCrossentropy(oneHot(y),
// p).mean(), with the accuracy count, in one tf.customGrad node.
// Why: tfjs-layers computes it as normalise (sum, divide), clip, log, one-hot product, sum,
// negate and mean, and its gradient and the argMax/equal/sum/cast accuracy bookkeeping add
// ~45 more kernel calls; at batch 64 those per-call overheads cost as much as the MLP's
// products. On the wasm and cpu backends tensors live in this process's memory, so reading
// the [n, classes] probabilities is a cheap copy, not a device synchronisation: the loss, the
// count and dL/dp are computed here in one pass over n·classes floats, mirroring tfjs's
// float32 steps (so values agree within float rounding). Other backends keep the tfjs ops.
import * as tf from '@tensorflow/tfjs';

/** The loss of one batch (a scalar on the graph) and how many argmax predictions were right. */
export interface CrossEntropyStep {
  loss: tf.Scalar;
  correct: tf.Scalar;
}

const f32 = Math.fround;

/** Backends whose tensors are host memory, where reading probabilities costs no synchronisation. */
function isHostBackend(): boolean {
  const name = tf.getBackend();
  return name === 'wasm' || name === 'cpu';
}

/**
 * Mean categorical cross-entropy of class probabilities `pred` [n, classes] against integer
 * `labels` (n of them, each < classes), as tfjs-layers computes it: each row scaled to sum 1,
 * clipped to [ε, 1 − ε] with the backend's ε, −log of the true class. `correct` counts rows
 * whose first maximum is at the label (tf.argMax's rule). The gradient flows to `pred` only.
 */
export function categoricalCrossEntropy(pred: tf.Tensor2D, labels: Int32Array): CrossEntropyStep {
  const [n, classes] = pred.shape;
  if (labels.length !== n) {
    throw new Error(`categoricalCrossEntropy: labels has ${labels.length} entries, expected one per prediction row (${n})`);
  }
  return isHostBackend() ? hostCrossEntropy(pred, labels, n, classes) : tensorCrossEntropy(pred, labels, classes);
}

function tensorCrossEntropy(pred: tf.Tensor2D, labels: Int32Array, classes: number): CrossEntropyStep {
  const labelTensor = tf.tensor1d(labels, 'int32');
  const correct = pred.argMax(1).equal(labelTensor).sum().cast('float32') as tf.Scalar;
  const loss = tf.metrics.categoricalCrossentropy(tf.oneHot(labelTensor, classes), pred).mean() as tf.Scalar;
  return { loss, correct };
}

function hostCrossEntropy(pred: tf.Tensor2D, labels: Int32Array, n: number, classes: number): CrossEntropyStep {
  const epsilon = tf.backend().epsilon();
  const low = f32(epsilon);
  const high = f32(1 - epsilon);
  let correctCount = 0;
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [p, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const values = p.dataSync() as Float32Array;
    // Per row: the scale (row sum), the true class's probability, and the clipped share.
    const rowSums = new Float32Array(n);
    const clipped = new Float32Array(n);
    let lossSum = 0;
    for (let i = 0; i < n; i++) {
      const row = i * classes;
      const label = labels[i];
      if (!(label >= 0 && label < classes)) throw new Error(`categoricalCrossEntropy: label ${label} at row ${i} is outside 0..${classes - 1}`);
      let sum = 0;
      let best = values[row];
      let bestAt = 0;
      for (let j = 0; j < classes; j++) {
        const v = values[row + j];
        sum = f32(sum + v);
        if (v > best) {
          best = v;
          bestAt = j;
        }
      }
      if (bestAt === label) correctCount++;
      const share = f32(values[row + label] / sum);
      rowSums[i] = sum;
      // Outside [ε, 1 − ε] tfjs's clip passes no gradient: NaN marks such rows (NaN shares too).
      clipped[i] = share >= low && share <= high ? share : Number.NaN;
      lossSum = f32(lossSum - f32(Math.log(Math.min(Math.max(share, low), high))));
    }
    save([]);
    return {
      value: tf.scalar(f32(lossSum / n)),
      gradFunc: (dy: tf.Tensor) => {
        const upstream = dy.dataSync()[0];
        // The chain tfjs's autodiff takes: mean → −1/n at the true class → ÷ clipped share →
        // through the row scaling: ÷ sum for that entry, −(g·p_y)/sum² for every entry.
        const perSample = f32(-f32(upstream / n));
        const grad = new Float32Array(n * classes);
        for (let i = 0; i < n; i++) {
          if (Number.isNaN(clipped[i])) continue;
          const row = i * classes;
          const sum = rowSums[i];
          const dShare = f32(perSample / clipped[i]);
          const throughSum = -f32(f32(dShare * values[row + labels[i]]) / f32(sum * sum));
          grad.fill(throughSum, row, row + classes);
          grad[row + labels[i]] = f32(f32(dShare / sum) + throughSum);
        }
        return tf.tensor2d(grad, [n, classes]);
      },
    };
  });
  const loss = run(pred) as tf.Scalar;
  return { loss, correct: tf.scalar(correctCount) };
}
