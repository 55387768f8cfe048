// Batch normalisation in training mode on the wasm heap (C kernels in training-kernels.c),
// for the fused chain forward: per-channel moments, normalise (+ relu) in one pass, and the
// backward pass as per-channel sums then the input gradient. The per-channel vectors are a few
// dozen floats, computed here in JavaScript with float32 rounding.
import * as tf from '@tensorflow/tfjs';
import { allocateFloat32, heapOffset, simdKernels, type WasmBackend } from './wasm-heap';

const f32 = Math.fround;
const NAME = 'BatchNormTraining';

export interface BatchNormStats {
  mean: Float32Array;
  variance: Float32Array;
  invStd: Float32Array;
}

function wasm(): { backend: WasmBackend; kernels: ReturnType<typeof simdKernels> } {
  const backend = tf.backend() as unknown as WasmBackend;
  return { backend, kernels: simdKernels(backend) };
}

/** A channel vector on the heap for the duration of `use`. */
function withVectors<T>(vectors: Float32Array[], use: (offsets: number[]) => T): T {
  const backend = tf.backend() as unknown as WasmBackend;
  const tensors = vectors.map((v) => tf.tensor1d(v));
  try {
    return use(tensors.map((t, i) => heapOffset(backend, t, NAME, `vector ${i}`)));
  } finally {
    tf.dispose(tensors);
  }
}

/**
 * y = γ·(x − mean)/√(variance + ε) + β with the batch's own per-channel statistics (relu'd
 * when asked), and those statistics. x is NHWC (channels last).
 */
export function batchNormTrainingForward(x: tf.Tensor, gamma: Float32Array, beta: Float32Array, epsilon: number, relu: boolean): { y: tf.Tensor; stats: BatchNormStats } {
  const { backend, kernels } = wasm();
  const channels = x.shape[x.rank - 1];
  const rows = x.size / channels;
  const moments = allocateFloat32(backend, [2, channels]);
  const at = heapOffset(backend, moments, NAME, 'moments');
  kernels.channel_moments(heapOffset(backend, x, NAME, 'x'), at, at + channels * 4, rows, channels);
  const both = (backend.typedArrayFromHeap(moments) as Float32Array).slice();
  backend.disposeData(moments.dataId);
  const mean = both.subarray(0, channels);
  const variance = both.subarray(channels);
  const invStd = variance.map((v) => f32(1 / f32(Math.sqrt(f32(v + epsilon)))));
  const scale = invStd.map((s, c) => f32(s * gamma[c]));
  const out = allocateFloat32(backend, x.shape.slice());
  withVectors([mean, scale, beta], ([m, s, b]) => {
    kernels.batch_norm_apply(heapOffset(backend, x, NAME, 'x'), m, s, b, heapOffset(backend, out, NAME, 'y'), rows, channels, relu ? 1 : 0);
  });
  return { y: tf.engine().makeTensorFromTensorInfo(out), stats: { mean, variance, invStd } };
}

/**
 * Inference mode with given (moving) statistics: y = (x − mean)·scale + β, scale =
 * γ/√(variance + ε), relu'd when asked. Returns the per-channel scale for the backward pass.
 */
export function batchNormInference(x: tf.Tensor, mean: Float32Array, variance: Float32Array, gamma: Float32Array, beta: Float32Array, epsilon: number, relu: boolean): { y: tf.Tensor; scale: Float32Array } {
  const { backend, kernels } = wasm();
  const channels = x.shape[x.rank - 1];
  const scale = variance.map((v, c) => f32(gamma[c] * f32(1 / f32(Math.sqrt(f32(v + epsilon))))));
  const out = allocateFloat32(backend, x.shape.slice());
  withVectors([mean, scale, beta], ([m, s, b]) => {
    kernels.batch_norm_apply(heapOffset(backend, x, NAME, 'x'), m, s, b, heapOffset(backend, out, NAME, 'y'), x.size / channels, channels, relu ? 1 : 0);
  });
  return { y: tf.engine().makeTensorFromTensorInfo(out), scale };
}

/** dx, dγ (Σ dy·x̂) and dβ (Σ dy) of batch normalisation with batch statistics. */
export function batchNormTrainingBackward(dy: tf.Tensor, x: tf.Tensor, stats: BatchNormStats, gamma: Float32Array): { dx: tf.Tensor; dGamma: tf.Tensor1D; dBeta: tf.Tensor1D } {
  const { backend, kernels } = wasm();
  const channels = x.shape[x.rank - 1];
  const rows = x.size / channels;
  const sums = allocateFloat32(backend, [2, channels]);
  const at = heapOffset(backend, sums, NAME, 'sums');
  withVectors([stats.mean, stats.invStd], ([m, s]) => {
    kernels.batch_norm_backward_sums(heapOffset(backend, dy, NAME, 'dy'), heapOffset(backend, x, NAME, 'x'), m, s, at, at + channels * 4, rows, channels);
  });
  const both = (backend.typedArrayFromHeap(sums) as Float32Array).slice();
  backend.disposeData(sums.dataId);
  const sumDy = both.subarray(0, channels);
  const sumDyXhat = both.subarray(channels);
  const k = stats.invStd.map((s, c) => f32(f32(gamma[c] * s) / rows));
  const dx = allocateFloat32(backend, x.shape.slice());
  withVectors([stats.mean, stats.invStd, k, sumDy, sumDyXhat], ([m, s, kk, sd, sdx]) => {
    kernels.batch_norm_backward_input(heapOffset(backend, dy, NAME, 'dy'), heapOffset(backend, x, NAME, 'x'), m, s, kk, sd, sdx, heapOffset(backend, dx, NAME, 'dx'), rows, channels);
  });
  return { dx: tf.engine().makeTensorFromTensorInfo(dx), dGamma: tf.tensor1d(sumDyXhat.slice()), dBeta: tf.tensor1d(sumDy.slice()) };
}
