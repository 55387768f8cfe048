// Tile for the wasm backend, replacing the shipped kernel, which computes every output
// element's source index one at a time, slow on small-cnn's batch-norm gradient (a [1,1,1,C]
// statistic tiled to the activation's [64,32,32,C]; docs/benchmarks.md).
// Here the innermost axis is copied as whole rows and every outer axis by block copies
// (copyWithin), so the cost is that of writing the output once.
import {
  Tile,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type TileAttrs,
} from '@tensorflow/tfjs';
import type { WasmBackend } from './wasm-heap';

interface Args {
  inputs: { x: TensorInfo };
  backend: WasmBackend;
  attrs: TileAttrs;
}

function tileWasm({ inputs: { x }, backend, attrs }: Args): TensorInfo {
  const { reps } = attrs;
  const rank = x.shape.length;
  if (reps.length !== rank) throw new Error(`${Tile} (wasm): reps [${reps}] must have one entry per axis of x [${x.shape}]`);
  if (x.dtype === 'string') throw new Error(`${Tile} (wasm): string tensors are not supported`);
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  if (rank === 0) {
    (backend.typedArrayFromHeap(out) as Float32Array).set(backend.typedArrayFromHeap(x) as Float32Array);
    return out;
  }
  // Views after allocating: makeOutput may have grown (and detached) the heap.
  const input = backend.typedArrayFromHeap(x) as Float32Array;
  const output = backend.typedArrayFromHeap(out) as Float32Array;
  tileInto(input, x.shape, reps, output);
  return out;
}

/** Writes `input` (shape `shape`) tiled `reps` times into `output` (same element type). */
export function tileInto(input: Float32Array | Int32Array | Uint8Array, shape: number[], reps: number[], output: typeof input): void {
  const rank = shape.length;
  const outShape = shape.map((d, i) => d * reps[i]);
  const outStrides = util.computeStrides(outShape); // rank-1 entries: stride of axes 0..rank-2
  const stride = (axis: number) => (axis === rank - 1 ? 1 : outStrides[axis]);
  const rowLength = shape[rank - 1];
  const rowReps = reps[rank - 1];
  // 1. Each input row, repeated along the last axis, at the output position of repetition 0
  //    on every other axis.
  const rows = util.sizeFromShape(shape) / rowLength;
  for (let r = 0; r < rows; r++) {
    let rest = r;
    let at = 0;
    for (let axis = rank - 2; axis >= 0; axis--) {
      at += (rest % shape[axis]) * stride(axis);
      rest = Math.floor(rest / shape[axis]);
    }
    const row = input.subarray(r * rowLength, (r + 1) * rowLength);
    for (let k = 0; k < rowReps; k++) output.set(row, at + k * rowLength);
  }
  // 2. From the second-to-last axis outwards: the block filled so far (repetition 0 of this
  //    axis, all later axes complete) is copied to repetitions 1..reps−1.
  for (let axis = rank - 2; axis >= 0; axis--) {
    if (reps[axis] === 1) continue;
    const block = shape[axis] * stride(axis);
    const prefixes = util.sizeFromShape(shape.slice(0, axis));
    for (let p = 0; p < prefixes; p++) {
      let rest = p;
      let at = 0;
      for (let a = axis - 1; a >= 0; a--) {
        at += (rest % shape[a]) * stride(a);
        rest = Math.floor(rest / shape[a]);
      }
      for (let k = 1; k < reps[axis]; k++) output.copyWithin(at + k * block, at, at + block);
    }
  }
}

export const tileWasmConfig: KernelConfig = {
  kernelName: Tile,
  backendName: 'wasm',
  kernelFunc: tileWasm as unknown as KernelFunc,
};
