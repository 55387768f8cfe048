// _FusedMatMul for the wasm backend: a Dense layer's whole forward product (x·W + bias, then
// linear or relu) as two C SIMD calls — `matmul` (see batch-matmul-wasm.ts for why not the
// shipped product) and `bias_activation` in place on its output. Used by tfjs at inference
// (tf.fused.matMul outside gradients), by the head layer in training, and by the fused Dense
// training forward (main/engine/accel/fused-dense). Other activations, PReLU weights, biases that
// are not one value per output column, and non-float32 inputs keep the shipped kernel.
import {
  _FusedMatMul,
  util,
  type _FusedMatMulAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { simdMatMul } from './batch-matmul-wasm';
import { heapOffset, simdKernels, type WasmBackend } from './wasm-heap';

interface Args {
  inputs: { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
  backend: WasmBackend;
  attrs: _FusedMatMulAttrs;
}

let shipped: KernelConfig | undefined;

function fusedMatMulWasm(args: Args): TensorInfo {
  if (shipped === undefined) throw new Error(`${_FusedMatMul} (wasm): the shipped kernel was not captured before replacement`);
  const { inputs: { a, b, bias, preluActivationWeights }, backend, attrs } = args;
  if (!handled(a, b, bias, preluActivationWeights, attrs)) return (shipped.kernelFunc as unknown as (x: Args) => TensorInfo)(args);
  const out = simdMatMul(backend, a, b, attrs.transposeA, attrs.transposeB);
  const cols = out.shape[out.shape.length - 1];
  const rows = util.sizeFromShape(out.shape) / Math.max(cols, 1);
  const relu = attrs.activation === 'relu';
  if ((bias == null && !relu) || rows * cols === 0) return out;
  simdKernels(backend).bias_activation(
    heapOffset(backend, out, _FusedMatMul, 'output'),
    bias == null ? 0 : heapOffset(backend, bias, _FusedMatMul, 'bias'),
    rows, cols, bias == null ? 0 : 1, relu ? 1 : 0,
  );
  return out;
}

function handled(a: TensorInfo, b: TensorInfo, bias: TensorInfo | undefined, prelu: TensorInfo | undefined, attrs: _FusedMatMulAttrs): boolean {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || prelu != null) return false;
  if (attrs.transposeA && attrs.transposeB) return false;
  const activation = attrs.activation ?? 'linear';
  if (activation !== 'linear' && activation !== 'relu') return false;
  if (a.shape.length < 2 || b.shape.length < 2) return false;
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return false;
  if (bias == null) return true;
  // One bias value per output column (shape [N] or [1, …, N]); other broadcasts stay shipped.
  const n = attrs.transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  return bias.dtype === 'float32' && bias.shape[bias.shape.length - 1] === n && util.sizeFromShape(bias.shape) === n;
}

/** Our _FusedMatMul config wrapping `original` (the shipped one), keeping its setup function. */
export function fusedMatMulWasmConfig(original: KernelConfig): KernelConfig {
  shipped = original;
  return { kernelName: _FusedMatMul, backendName: 'wasm', setupFunc: original.setupFunc, kernelFunc: fusedMatMulWasm as unknown as KernelFunc };
}

/** True when `config` is this module's wrapper (so it is not wrapped twice). */
export function isFusedMatMulWrapper(config: KernelConfig | undefined): boolean {
  return config?.kernelFunc === (fusedMatMulWasm as unknown as KernelFunc);
}
