// UnsortedSegmentSum for the wasm backend (absent from tfjs-backend-wasm 4.22). It is the
// gradient of tf.gather, so training an Embedding layer, or any model that gathers, needs it.
//   out[s, ...] = Σ_{i : segmentIds[i] = s} x[i, ...]; ids outside [0, numSegments) are dropped,
// as in TensorFlow. One pass over x, adding each row into its segment's row.
import {
  UnsortedSegmentSum,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs';
import { allocateFloat32, float32View, type WasmBackend } from './wasm-heap';

interface Args {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: WasmBackend;
  attrs: UnsortedSegmentSumAttrs;
}

function unsortedSegmentSumWasm({ inputs, backend, attrs }: Args): TensorInfo {
  const { x, segmentIds } = inputs;
  const { numSegments } = attrs;
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw new Error(
      `${UnsortedSegmentSum} (wasm, JS kernel): segmentIds must be 1-D with one id per row of x ` +
        `(x shape [${x.shape}], segmentIds shape [${segmentIds.shape}])`,
    );
  }
  if (segmentIds.dtype !== 'int32') {
    throw new Error(`${UnsortedSegmentSum} (wasm, JS kernel): segmentIds must be int32, got ${segmentIds.dtype}`);
  }
  const rows = x.shape[0];
  const rowSize = rows === 0 ? 0 : x.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = allocateFloat32(backend, [numSegments, ...x.shape.slice(1)]);
  const O = float32View(backend, out, UnsortedSegmentSum, 'output');
  const X = float32View(backend, x, UnsortedSegmentSum, 'x');
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  O.fill(0);
  for (let i = 0; i < rows; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const from = i * rowSize;
    const to = s * rowSize;
    for (let j = 0; j < rowSize; j++) O[to + j] += X[from + j];
  }
  return out;
}

export const unsortedSegmentSumWasmConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm as unknown as KernelFunc,
};
