// One thread's share of a dense-trainer step, the same code on the coordinating thread and on
// every helper thread: the forward and backward pass of the thread's shard of the batch
// (gradients of the batch's mean loss, so shards' gradients simply add), then the optimizer
// update of the thread's slice of the weights using the sum of all threads' gradients.
//
// The arithmetic is the C SIMD kernels' (training-kernels.c) on the shared memory; only the
// softmax and cross-entropy of the last layer (n × classes values) are computed here in
// JavaScript, following tfjs-layers' definition: rows scaled to sum 1, clipped to [ε, 1 − ε],
// −log of the true class, whose gradient is zero for clipped rows.
import type { TrainingKernels } from '../wasm-simd/training-kernels';
import { updateRange, type DenseLayout } from './dense-layout';

const f32 = Math.fround;

/** Typed views over the whole shared memory, taken once (the memory never grows). */
export interface SharedViews {
  f32: Float32Array;
  i32: Int32Array;
  f64: Float64Array;
}

export function sharedViews(buffer: ArrayBufferLike): SharedViews {
  return { f32: new Float32Array(buffer), i32: new Int32Array(buffer), f64: new Float64Array(buffer) };
}

/** Per-step scalars of the update, as the coordinator computed them (float32). */
export const SCALAR = { invBias1: 0, invBias2: 1 } as const;

export class DenseShard {
  private readonly buffers;
  /** The first layer whose weights train; backward stops there. */
  private readonly firstTrainable: number;

  constructor(
    private readonly layout: DenseLayout,
    private readonly kernels: TrainingKernels,
    private readonly views: SharedViews,
    private readonly thread: number,
  ) {
    this.buffers = layout.perThread[thread];
    this.firstTrainable = layout.layers.findIndex((l) => l.trainable);
  }

  /**
   * Forward and backward of shard `shard`, batch rows [from, from + count) of a batch of
   * `batch` samples, in this thread's working buffers; writes the shard's gradients and its
   * [lossSum, correct] statistics into the shard's slots.
   */
  gradients(shard: number, from: number, count: number, batch: number): void {
    const { layout, kernels, buffers } = this;
    const { layers } = layout;
    const stats = layout.stats / 8 + shard * 8;
    const gradients = layout.perThread[shard].gradients;
    if (count === 0) {
      this.views.f32.fill(0, gradients / 4, gradients / 4 + layout.trainableCount);
      this.views.f64[stats] = 0;
      this.views.f64[stats + 1] = 0;
      return;
    }
    const weight = (index: number) => layout.weights + index * 4;
    const gradient = (index: number) => gradients + index * 4;
    let input = layout.batchX + from * layout.inputSize * 4;
    layers.forEach((l, i) => {
      const out = buffers.activations[i];
      kernels.matmul(input, weight(l.kernel), out, 1, 0, 0, count, l.units, l.inputs, 0, 0);
      kernels.bias_activation(out, l.hasBias ? weight(l.bias) : 0, count, l.units, l.hasBias ? 1 : 0, l.activation === 'relu' ? 1 : 0);
      input = out;
    });
    let delta = 0;
    this.lossAndDelta(from, count, batch, buffers.deltas[delta], stats);
    for (let i = layers.length - 1; i >= this.firstTrainable; i--) {
      const l = layers[i];
      const dz = buffers.deltas[delta];
      const layerInput = i === 0 ? layout.batchX + from * layout.inputSize * 4 : buffers.activations[i - 1];
      if (l.trainable) {
        // dW = inputᵀ·dz, db = Σ_rows dz.
        kernels.matmul(layerInput, dz, gradient(l.kernel), 1, 0, 0, l.inputs, l.units, count, 1, 0);
        if (l.hasBias) kernels.sum_leading(dz, gradient(l.bias), count, l.units);
      }
      if (i > this.firstTrainable) {
        // d(input) = dz·Wᵀ, then back through the previous layer's activation.
        const next = buffers.deltas[1 - delta];
        kernels.matmul(dz, weight(l.kernel), next, 1, 0, 0, count, l.inputs, l.units, 0, 1);
        if (layers[i - 1].activation === 'relu') kernels.relu_backward(next, buffers.activations[i - 1], next, count * l.inputs);
        delta = 1 - delta;
      }
    }
  }

  /**
   * Softmax of the last layer's pre-activations (in place), the summed cross-entropy and
   * correct count of the shard, and dL/dz of the batch's mean loss into `dz`.
   */
  private lossAndDelta(from: number, count: number, batch: number, dzOffset: number, stats: number): void {
    const { layout, views } = this;
    const last = layout.layers[layout.layers.length - 1];
    const classes = last.units;
    const z = views.f32;
    const zAt = this.buffers.activations[layout.layers.length - 1] / 4;
    const dzAt = dzOffset / 4;
    const labelsAt = layout.batchY / 4 + from;
    const low = f32(layout.epsilon);
    const high = f32(1 - layout.epsilon);
    let lossSum = 0;
    let correct = 0;
    for (let r = 0; r < count; r++) {
      const row = zAt + r * classes;
      const label = views.i32[labelsAt + r];
      let max = z[row];
      for (let j = 1; j < classes; j++) if (z[row + j] > max) max = z[row + j];
      let expSum = 0;
      for (let j = 0; j < classes; j++) {
        const e = f32(Math.exp(z[row + j] - max));
        z[row + j] = e;
        expSum += e;
      }
      // p = softmax(z); then tfjs-layers' cross-entropy on p: share = p_y / Σp, clipped.
      let sum = 0;
      let best = 0;
      for (let j = 0; j < classes; j++) {
        const p = f32(z[row + j] / expSum);
        z[row + j] = p;
        sum += p;
        if (p > z[row + best]) best = j;
      }
      if (best === label) correct++;
      const py = z[row + label];
      const share = py / sum;
      lossSum += -Math.log(Math.min(Math.max(share, low), high));
      const out = dzAt + r * classes;
      if (!(share >= low && share <= high)) {
        views.f32.fill(0, out, out + classes);
        continue;
      }
      // The chain tfjs's autodiff takes (mean → −1/n at the label → ÷ share → through the
      // row scaling → through softmax), in closed form per row.
      const dShare = -1 / batch / share;
      const atLabel = dShare / sum;
      const everywhere = -(dShare * py) / (sum * sum);
      const dot = everywhere * sum + atLabel * py;
      for (let j = 0; j < classes; j++) {
        const p = z[row + j];
        views.f32[out + j] = p * (everywhere + (j === label ? atLabel : 0) - dot);
      }
    }
    views.f64[stats] = lossSum;
    views.f64[stats + 1] = correct;
  }

  /**
   * Sums every shard's gradients (in shard order, so the sum does not depend on who computed
   * them) over this thread's slice of `active` slices, adds the penalty's gradient (its value
   * at the weights before the update goes to this thread's stats), and applies the optimizer.
   */
  update(active: number): void {
    const { layout, kernels, views } = this;
    const [from, to] = updateRange(layout, this.thread, active);
    const n = to - from;
    const penaltyStat = layout.stats / 8 + this.thread * 8 + 2;
    views.f64[penaltyStat] = 0;
    if (n <= 0) return;
    const at = (base: number) => base + from * 4;
    const g = at(layout.perThread[0].gradients);
    const w = at(layout.weights);
    const o = layout.optimizer;
    const scalars = views.f32.subarray(layout.scalars / 4);
    if (o.name === 'adam') {
      // One pass: the threads' gradients summed, the penalty, the update.
      const p = layout.penalty;
      const twice = kernels.adam_update_sum(w, g, layout.gradientStride / 4, layout.threads, at(layout.state[0]), at(layout.state[1]), n,
        o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, scalars[SCALAR.invBias1], scalars[SCALAR.invBias2], o.epsilon, -o.learningRate,
        p ? at(p.reference) : 0, p ? at(p.coefficient) : 0);
      views.f64[penaltyStat] = twice / 2;
      return;
    }
    for (let t = 1; t < layout.threads; t++) kernels.add_arrays(g, at(layout.perThread[t].gradients), g, n);
    if (layout.penalty) {
      const twice = kernels.penalty_gradient(g, w, at(layout.penalty.reference), at(layout.penalty.coefficient), n);
      views.f64[penaltyStat] = twice / 2;
    }
    switch (o.name) {
      case 'sgd':
        kernels.sgd_update(w, w, g, n, -o.learningRate);
        break;
      case 'rmsprop':
        kernels.rmsprop_update(w, w, g, at(layout.state[0]), at(layout.state[1]), n, o.decay, 1 - o.decay, o.momentum, o.epsilon, o.learningRate);
        break;
    }
  }
}
