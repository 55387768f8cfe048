// BatchMatMul for the wasm backend, computed by the C SIMD kernel `matmul`
// (main/engine/accel/wasm-simd/training-kernels.c), which reads transposed operands in place.
// Why not the shipped kernel: tfjs-backend-wasm 4.22 sends products with transposeA or
// transposeB to a slow path (the seed CNN's Dense layer backward, [5408,64]ᵀ-shaped products:
// 30 ms), and every Dense layer's backward pass asks for exactly those two products
// (dW = xᵀ·dy, dx = dy·Wᵀ); transposing explicitly first still cost a copy and two kernel
// calls. Measured per call (AMD EPYC, batch 64), shipped-with-explicit-transposes → C kernel:
// MLP Dense(784→128) forward x·W 1.17 → 0.37 ms, dW 1.21 → 0.41 ms; seed CNN Dense(5408→64)
// forward 1.41 → 1.25 ms, dW 4.2 → 1.4 ms, dx 5.4 → 1.9 ms. So the plain product comes here too.
// Products with both flags set transpose A first (no training path asks for them); batch
// shapes that broadcast other than "equal, or one of them 1", and non-float32 inputs, keep the
// shipped kernel (after explicit transposes).
import {
  backend_util,
  BatchMatMul,
  getKernel,
  util,
  type BatchMatMulAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { allocateFloat32, heapOffset, releaseTemporary, simdKernels, type WasmBackend } from './wasm-heap';

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
  const { a, b } = inputs;
  if (a.dtype === 'float32' && b.dtype === 'float32' && batchesCompatible(a, b)) {
    if (!attrs.transposeA || !attrs.transposeB) return simdMatMul(backend, a, b, attrs.transposeA, attrs.transposeB);
    const aT = swapLastTwo(backend, a);
    try {
      return simdMatMul(backend, aT, b, false, true);
    } finally {
      releaseTemporary(backend, aT);
    }
  }
  return explicitTransposes(shippedFunc, args);
}

/** Flattened batch sizes equal, or one of them 1 (broadcast): what the C kernel's strides express. */
function batchesCompatible(a: TensorInfo, b: TensorInfo): boolean {
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  return batchA === batchB || batchA === 1 || batchB === 1;
}

/** op(a)·op(b) by the C kernel (not both transposed; batches equal or one of them 1); also _FusedMatMul's product. */
export function simdMatMul(backend: WasmBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [aRows, aCols] = [a.shape[ra - 2], a.shape[ra - 1]];
  const [bRows, bCols] = [b.shape[rb - 2], b.shape[rb - 1]];
  const M = transposeA ? aCols : aRows;
  const K = transposeA ? aRows : aCols;
  const N = transposeB ? bRows : bCols;
  const kB = transposeB ? bCols : bRows;
  if (K !== kB) {
    throw new Error(
      `${BatchMatMul} (wasm): inner dimensions differ: a ${JSON.stringify(a.shape)}${transposeA ? 'ᵀ' : ''} · b ${JSON.stringify(b.shape)}${transposeB ? 'ᵀ' : ''}`,
    );
  }
  const outer = backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  const out = allocateFloat32(backend, [...outer, M, N]);
  // An empty output needs no work; an empty inner dimension (K = 0) gives zeros, which the
  // kernel writes without reading the operands (empty tensors have no heap offset).
  if (util.sizeFromShape(out.shape) === 0) return out;
  const offsetOf = (x: TensorInfo, name: string) => (util.sizeFromShape(x.shape) === 0 ? 0 : heapOffset(backend, x, BatchMatMul, name));
  simdKernels(backend).matmul(
    offsetOf(a, 'a'),
    offsetOf(b, 'b'),
    heapOffset(backend, out, BatchMatMul, 'output'),
    Math.max(batchA, batchB),
    batchA === 1 ? 0 : M * K,
    batchB === 1 ? 0 : K * N,
    M, N, K,
    transposeA ? 1 : 0,
    transposeB ? 1 : 0,
  );
  return out;
}

/** The previous formulation: transpose the flagged operands, then the shipped plain product. */
function explicitTransposes(shippedFunc: (a: Args) => TensorInfo, { inputs, backend, attrs }: Args): TensorInfo {
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
