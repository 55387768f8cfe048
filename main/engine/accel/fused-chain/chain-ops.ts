// Forward and backward of each kind of chain step (chain-steps.ts), on the wasm backend, for
// fused-chain-forward.ts. A forward returns the step's output and, for the backward pass, any
// state it keeps (batch statistics, dropout multipliers); a backward returns the gradient for
// the step's input (when asked) and for its trainable weights, in input order.
import * as tf from '@tensorflow/tfjs';
import { activationBackward, denseForward } from '../fused-dense';
import { reluBackward } from '../kernels/relu-backward-wasm';
import { batchNormInference, batchNormTrainingBackward, batchNormTrainingForward, type BatchNormStats } from '../kernels/batch-norm-wasm';
import type { BatchNormStep, ChainStep, ConvStep } from './chain-steps';
import { maxPoolScatter, maxPoolWithWhere } from '../kernels/max-pool-where-wasm';

const f32 = Math.fround;

/**
 * What a forward keeps for its backward: batch statistics, a frozen batch norm's per-channel
 * scale, or a dropout multiplier (a kept tensor).
 */
export type StepState =
  | { stats: BatchNormStats; gamma: Float32Array }
  | { scale: Float32Array }
  | { multiplier: tf.Tensor }
  | { where: tf.Tensor }
  | undefined;

/** The tensors a state holds (kept until the backward pass releases them). */
export function stateTensors(state: StepState): tf.Tensor[] {
  if (state && 'multiplier' in state) return [state.multiplier];
  if (state && 'where' in state) return [state.where];
  return [];
}

/** The step's weight variables, in the order its gradients are returned. */
export function stepWeights(step: ChainStep): tf.Variable[] {
  if (step.kind === 'conv' || step.kind === 'dense') {
    if (!step.trainable) return [];
    const w = step.weights();
    return w.bias ? [w.kernel, w.bias] : [w.kernel];
  }
  if (step.kind === 'batchnorm') return step.trainable ? [step.gamma.read() as tf.Variable, step.beta.read() as tf.Variable] : [];
  return [];
}

export function forwardStep(h: tf.Tensor, step: ChainStep): { y: tf.Tensor; state?: StepState } {
  switch (step.kind) {
    case 'conv': {
      const w = step.weights();
      // The kernel itself: tf.fused.conv2d unfuses while gradients are recorded.
      const y = tf.engine().runKernel(tf.FusedConv2D, w.bias ? { x: h, filter: w.kernel, bias: w.bias } : { x: h, filter: w.kernel }, {
        strides: step.strides, pad: step.padding, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined,
        activation: step.relu ? 'relu' : 'linear', leakyreluAlpha: 0,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return { y };
    }
    case 'batchnorm':
      return batchNormForward(h, step);
    case 'relu':
      return { y: tf.relu(h) };
    case 'pool': {
      const { y, where } = maxPoolWithWhere(h, step.poolSize, step.strides, step.padding);
      return { y, state: { where: tf.keep(where) } };
    }
    case 'dropout': {
      if (!(step.rate > 0 && step.rate < 1)) return { y: h };
      // tf.dropout's own arithmetic (so the same seed draws the same mask), keeping the multiplier.
      const keep = 1 - step.rate;
      const multiplier = tf.keep(tf.tidy(() => tf.div(tf.floor(tf.add(tf.randomUniform(h.shape, 0, 1, 'float32', step.seed), keep)), keep)));
      return { y: tf.mul(h, multiplier), state: { multiplier } };
    }
    case 'flatten':
      return { y: tf.reshape(h, [h.shape[0], -1]) };
    case 'dense': {
      const w = step.weights();
      return { y: denseForward(h as tf.Tensor2D, step, w.kernel, w.bias) };
    }
  }
}

/** Training-mode batch normalisation, and the moving statistics' update tfjs-layers makes; inference mode when frozen. */
function batchNormForward(h: tf.Tensor, step: BatchNormStep): { y: tf.Tensor; state: StepState } {
  const gamma = step.gamma.read().dataSync() as Float32Array;
  const beta = step.beta.read().dataSync() as Float32Array;
  if (!step.trainable) {
    const mean = step.movingMean.read().dataSync() as Float32Array;
    const variance = step.movingVariance.read().dataSync() as Float32Array;
    const { y, scale } = batchNormInference(h, mean, variance, gamma, beta, step.epsilon, step.relu);
    return { y, state: { scale } };
  }
  const { y, stats } = batchNormTrainingForward(h, gamma, beta, step.epsilon, step.relu);
  // moving ← moving − (moving − batch)·(1 − momentum), in float32 as tfjs-layers computes it.
  const decay = f32(1 - step.momentum);
  const update = (variable: tf.LayerVariable, batch: Float32Array) => {
    const moving = variable.read().dataSync() as Float32Array;
    const next = moving.map((m, c) => f32(m - f32(f32(m - batch[c]) * decay)));
    tf.tidy(() => {
      variable.write(tf.tensor(next, variable.read().shape));
    });
  };
  update(step.movingMean, stats.mean);
  update(step.movingVariance, stats.variance);
  return { y, state: { stats, gamma } };
}

export interface BackwardResult {
  /** Gradients of the step's trainable weights (stepWeights order). */
  grads: tf.Tensor[];
  /** Gradient for the step's input, when asked. */
  dInput?: tf.Tensor;
}

export function backwardStep(step: ChainStep, dy: tf.Tensor, input: tf.Tensor, output: tf.Tensor, state: StepState, needInput: boolean): BackwardResult {
  switch (step.kind) {
    case 'conv':
      return convBackward(step, dy, input, output, needInput);
    case 'batchnorm': {
      const masked = step.relu ? reluBackward(dy, output) : dy;
      // Frozen (inference mode): an affine map per channel, so dx = dy·scale and no weight gradients.
      if ('scale' in (state as object)) return { grads: [], dInput: needInput ? tf.mul(masked, tf.tensor1d((state as { scale: Float32Array }).scale)) : undefined };
      const { stats, gamma } = state as { stats: BatchNormStats; gamma: Float32Array };
      const { dx, dGamma, dBeta } = batchNormTrainingBackward(masked, input, stats, gamma);
      return { grads: [dGamma, dBeta], dInput: dx };
    }
    case 'relu':
      return { grads: [], dInput: reluBackward(dy, output) };
    case 'pool':
      return { grads: [], dInput: needInput ? maxPoolScatter(dy, (state as { where: tf.Tensor }).where, input.shape) : undefined };
    case 'dropout':
      return { grads: [], dInput: state ? tf.mul(dy, (state as { multiplier: tf.Tensor }).multiplier) : dy };
    case 'flatten':
      return { grads: [], dInput: tf.reshape(dy, input.shape) };
    case 'dense': {
      const dz = activationBackward(dy as tf.Tensor2D, output as tf.Tensor2D, step.activation);
      const w = step.weights();
      const grads = step.trainable ? [tf.matMul(input as tf.Tensor2D, dz, true, false), ...(w.bias ? [tf.sum(dz, 0)] : [])] : [];
      return { grads, dInput: needInput ? tf.matMul(dz, w.kernel, false, true) : undefined };
    }
  }
}

function convBackward(step: ConvStep, dy: tf.Tensor, input: tf.Tensor, output: tf.Tensor, needInput: boolean): BackwardResult {
  const w = step.weights();
  const dz = step.relu ? reluBackward(dy, output) : dy;
  const attrs = { strides: step.strides, pad: step.padding, dataFormat: 'NHWC', dimRoundingMode: undefined };
  const grads: tf.Tensor[] = [];
  if (step.trainable) {
    grads.push(tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: input, dy: dz }, { ...attrs, filterShape: w.kernel.shape } as unknown as tf.NamedAttrMap) as tf.Tensor);
    if (w.bias) grads.push(tf.sum(dz, [0, 1, 2]));
  }
  const dInput = needInput
    ? tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dz, filter: w.kernel }, { ...attrs, inputShape: input.shape } as unknown as tf.NamedAttrMap) as tf.Tensor
    : undefined;
  return { grads, dInput };
}
