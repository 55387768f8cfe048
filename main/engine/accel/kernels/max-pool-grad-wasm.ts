// MaxPoolGrad for the wasm backend, replacing the one tfjs-backend-wasm 4.22 ships, which
// loses or misroutes window gradients in ordinary cases: for a 2x2/2 pool over one 4x4
// channel (the worked example in tests/node/engine/accel/kernels/max-pool-grad-wasm.test.ts) it passes
// the gradient of one window out of four. That silently corrupts training of any model with
// MaxPooling2D on wasm.
// Semantics follow the cpu backend and TensorFlow: each output's gradient goes to the first
// (row-major) maximum of its window, padding excluded; a window of only NaN passes none.
import {
  backend_util,
  MaxPoolGrad,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { allocateFloat32, heapOffset, heapOffsetInt32, releaseTemporary, simdKernels, type WasmBackend } from './wasm-heap';

interface Args {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  backend: WasmBackend;
  attrs: MaxPoolGradAttrs;
}

function maxPoolGradWasm({ inputs, backend, attrs }: Args): TensorInfo {
  const { dy, input } = inputs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: SH, strideWidth: SW, effectiveFilterHeight: FH, effectiveFilterWidth: FW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;

  const out = allocateFloat32(backend, input.shape.slice());
  // The C SIMD kernels (main/engine/accel/wasm-simd/training-kernels.c): find each window's winner
  // (four channels per step), then add each output's gradient there. A pixel collects at most
  // ceil(pool/stride)² terms, so float32 sums lose nothing measurable.
  const kernels = simdKernels(backend);
  const where = backend.makeOutput(dy.shape.slice(), 'int32');
  kernels.max_pool_where(
    heapOffset(backend, input, MaxPoolGrad, 'input'),
    0, // the pooled values themselves are not needed here
    heapOffsetInt32(backend, where, MaxPoolGrad, 'where'),
    N, H, W, C, OH, OW, FH, FW, SH, SW, top, left,
  );
  kernels.max_pool_scatter(heapOffset(backend, dy, MaxPoolGrad, 'dy'), heapOffsetInt32(backend, where, MaxPoolGrad, 'where'), heapOffset(backend, out, MaxPoolGrad, 'output'), dy.shape.reduce((a, b) => a * b, 1), input.shape.reduce((a, b) => a * b, 1));
  releaseTemporary(backend, where);
  return out;
}

export const maxPoolGradWasmConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGradWasm as unknown as KernelFunc,
};
