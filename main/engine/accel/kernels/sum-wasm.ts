// Sum for the wasm backend, wrapping the shipped kernel. Back-propagation asks for one kind
// of sum over and over: a bias gradient, dy summed over batch and pixels (the leading axes).
// The shipped kernel first transposes the whole tensor to make those axes innermost (seed
// CNN: a [64,30,30,32] transpose per step); the C SIMD kernel sums columns in place instead.
// Every other sum goes to the shipped kernel unchanged.
import {
  Sum,
  util,
  type KernelConfig,
  type KernelFunc,
  type SumAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { allocateFloat32, heapOffset, simdKernels, type WasmBackend } from './wasm-heap';

interface Args {
  inputs: { x: TensorInfo };
  backend: WasmBackend;
  attrs: SumAttrs;
}

let shipped: KernelConfig | undefined;

function sumWasm(args: Args): TensorInfo {
  if (shipped === undefined) throw new Error(`${Sum} (wasm): the shipped kernel was not captured before replacement`);
  const { inputs: { x }, backend, attrs } = args;
  const leading = leadingAxesCount(attrs.axis, x.shape);
  // A full reduction has a single column: the shipped kernel does that well.
  if (x.dtype !== 'float32' || leading === 0 || leading >= x.shape.length) {
    return (shipped.kernelFunc as unknown as (a: Args) => TensorInfo)(args);
  }
  const rows = util.sizeFromShape(x.shape.slice(0, leading));
  const kept = x.shape.slice(leading);
  const out = allocateFloat32(backend, attrs.keepDims ? [...Array(leading).fill(1), ...kept] : kept);
  simdKernels(backend).sum_leading(heapOffset(backend, x, Sum, 'x'), heapOffset(backend, out, Sum, 'output'), rows, util.sizeFromShape(kept));
  return out;
}

/** k when the reduced axes are exactly 0..k−1 (in any order, negatives allowed), else 0. */
function leadingAxesCount(axis: number | number[], shape: number[]): number {
  const axes = util.parseAxisParam(axis, shape).slice().sort((a, b) => a - b);
  return axes.every((a, i) => a === i) ? axes.length : 0;
}

/** Our Sum config wrapping `original` (the shipped one), keeping its setup function. */
export function sumWasmConfig(original: KernelConfig): KernelConfig {
  shipped = original;
  return { kernelName: Sum, backendName: 'wasm', setupFunc: original.setupFunc, kernelFunc: sumWasm as unknown as KernelFunc };
}

/** True when `config` is this module's wrapper (so it is not wrapped twice). */
export function isSumWrapper(config: KernelConfig | undefined): boolean {
  return config?.kernelFunc === (sumWasm as unknown as KernelFunc);
}
