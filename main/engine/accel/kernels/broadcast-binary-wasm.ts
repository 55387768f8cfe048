// Add, Sub, Multiply and RealDiv for the wasm backend, wrapping the shipped kernels. When one
// operand is a per-channel vector broadcast over the other (its shape, leading 1s dropped,
// equals the other's trailing axes), the C SIMD kernel streams rows; the shipped kernels
// compute a source index per element for any broadcast, which made small-cnn's batch norm
// slow (docs/benchmarks.md). Same-shape and every other case go to the shipped kernel unchanged.
import {
  Add,
  Multiply,
  RealDiv,
  Sub,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { allocateFloat32, heapOffset, simdKernels, type WasmBackend } from './wasm-heap';

interface Args {
  inputs: { a: TensorInfo; b: TensorInfo };
  backend: WasmBackend;
  attrs: Record<string, never>;
}

const opCodes: Record<string, number> = { [Add]: 0, [Sub]: 1, [Multiply]: 2, [RealDiv]: 3 };

/** How many trailing elements `small` repeats over `big`, or 0 when it is not such a broadcast. */
function rowLength(big: number[], small: number[]): number {
  const trimmed = small.slice(small.findIndex((d) => d !== 1) < 0 ? small.length : small.findIndex((d) => d !== 1));
  if (small.length > big.length || trimmed.length === 0 || trimmed.length >= big.length) return 0;
  const tail = big.slice(big.length - trimmed.length);
  return tail.every((d, i) => d === trimmed[i]) ? util.sizeFromShape(trimmed) : 0;
}

function wrap(original: KernelConfig): KernelConfig {
  const name = original.kernelName;
  const op = opCodes[name];
  const shippedFunc = original.kernelFunc as unknown as (a: Args) => TensorInfo;
  const kernelFunc = (args: Args): TensorInfo => {
    const { inputs: { a, b }, backend } = args;
    if (a.dtype === 'float32' && b.dtype === 'float32') {
      const aSize = util.sizeFromShape(a.shape);
      const bSize = util.sizeFromShape(b.shape);
      const [big, small, rowFirst] = aSize >= bSize ? [a, b, 0] : [b, a, 1];
      const cols = aSize === bSize ? 0 : rowLength(big.shape, small.shape);
      if (cols > 0) {
        const out = allocateFloat32(backend, big.shape.slice());
        simdKernels(backend).broadcast_rows(
          op,
          heapOffset(backend, big, name, 'big operand'),
          heapOffset(backend, small, name, 'broadcast operand'),
          heapOffset(backend, out, name, 'output'),
          util.sizeFromShape(big.shape) / cols,
          cols,
          rowFirst,
        );
        return out;
      }
    }
    return shippedFunc(args);
  };
  wrappers.add(kernelFunc as unknown as KernelFunc);
  return { kernelName: name, backendName: 'wasm', setupFunc: original.setupFunc, kernelFunc: kernelFunc as unknown as KernelFunc };
}

const wrappers = new Set<KernelFunc>();

export const broadcastBinaryKernelNames = [Add, Sub, Multiply, RealDiv] as const;

/** Our config for one of broadcastBinaryKernelNames, wrapping the shipped `original`. */
export function broadcastBinaryWasmConfig(original: KernelConfig): KernelConfig {
  return wrap(original);
}

/** True when `config` is one of this module's wrappers. */
export function isBroadcastBinaryWrapper(config: KernelConfig | undefined): boolean {
  return config !== undefined && wrappers.has(config.kernelFunc);
}
