// BatchMatMul for the wasm backend: the shipped kernel, fed untransposed operands.
// tfjs-backend-wasm 4.22 sends products with transposeA or transposeB to a slow path
// (measured on the seed CNN's Dense(64) layer, a [7200,64]ᵀ·[64,64] product: 30 ms, versus
// 1.8 ms to transpose explicitly plus 7.7 ms for the plain product; dy·Wᵀ: 31 ms vs ~5 ms).
// Every Dense layer's backward pass asks for exactly those two products, so this wrapper
// transposes the flagged operand with the wasm Transpose kernel and calls the shipped kernel
// with both flags off. Results are the same products, computed in the same precision.
import {
  BatchMatMul,
  getKernel,
  type BatchMatMulAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { releaseTemporary, type WasmBackend } from './wasm-heap';

interface Args {
  inputs: { a: TensorInfo; b: TensorInfo };
  backend: WasmBackend;
  attrs: BatchMatMulAttrs;
}

/** The kernel tfjs-backend-wasm registered, captured when ours replaces it. */
let shipped: KernelConfig | undefined;

function batchMatMulWasm(args: Args): TensorInfo {
  if (shipped === undefined) throw new Error(`${BatchMatMul} (wasm): the shipped kernel was not captured before replacement`);
  const shippedFunc = shipped.kernelFunc as unknown as (a: Args) => TensorInfo;
  const { inputs, backend, attrs } = args;
  if (!attrs.transposeA && !attrs.transposeB) return shippedFunc(args);
  const a = attrs.transposeA ? swapLastTwo(backend, inputs.a) : inputs.a;
  const b = attrs.transposeB ? swapLastTwo(backend, inputs.b) : inputs.b;
  try {
    return shippedFunc({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } });
  } finally {
    if (a !== inputs.a) releaseTemporary(backend, a);
    if (b !== inputs.b) releaseTemporary(backend, b);
  }
}

function swapLastTwo(backend: WasmBackend, x: TensorInfo): TensorInfo {
  const transpose = getKernel('Transpose', 'wasm');
  if (transpose == null) throw new Error(`${BatchMatMul} (wasm): the wasm Transpose kernel is not registered`);
  const rank = x.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
}

/**
 * Our BatchMatMul config wrapping `original` (the shipped one). It keeps the shipped setup
 * function, which binds the wasm export and must still run if the backend initialises later.
 */
export function batchMatMulWasmConfig(original: KernelConfig): KernelConfig {
  shipped = original;
  return { kernelName: BatchMatMul, backendName: 'wasm', setupFunc: original.setupFunc, kernelFunc: batchMatMulWasm as unknown as KernelFunc };
}

/** True when `config` is this module's wrapper (so it is not wrapped twice). */
export function isBatchMatMulWrapper(config: KernelConfig | undefined): boolean {
  return config?.kernelFunc === (batchMatMulWasm as unknown as KernelFunc);
}
