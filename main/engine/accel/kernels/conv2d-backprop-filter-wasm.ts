// Conv2DBackpropFilter for the wasm backend, which tfjs-backend-wasm 4.22 does not provide
// (without it, training any Conv2D layer on wasm fails). The filter gradient is
//   dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·sh+kh−top, ow·sw+kw−left, ci] · dy[b,oh,ow,co]
// computed directly by the C SIMD kernel in main/engine/accel/wasm-simd/training-kernels.c.
// Measured on the seed CNN's layer (x [64,32,32,3], filter 3x3x3x32), against the earlier
// im2col in JavaScript + XNNPACK BatchMatMul: no [K, M] patch buffer (5.5 MB there) and no
// packing of dy by the GEMM; see scripts/bench/training.ts for the figures.
import {
  Conv2DBackpropFilter,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type Conv2DBackpropFilterAttrs,
} from '@tensorflow/tfjs';
import { convGeometry } from './conv-attributes';
import { allocateFloat32, heapOffset, simdKernels, type WasmBackend } from './wasm-heap';

interface Args {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: Conv2DBackpropFilterAttrs;
}

function conv2dBackpropFilterWasm({ inputs, backend, attrs }: Args): TensorInfo {
  const { x, dy } = inputs;
  const info = convGeometry({
    kernelName: Conv2DBackpropFilter,
    inShape: x.shape as [number, number, number, number],
    filterShape: attrs.filterShape,
    strides: attrs.strides,
    dilations: 1,
    pad: attrs.pad,
    dimRoundingMode: attrs.dimRoundingMode,
    depthwise: false,
    dataFormat: attrs.dataFormat,
  });
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const out = allocateFloat32(backend, attrs.filterShape.slice());
  simdKernels(backend).conv2d_backprop_filter(
    heapOffset(backend, x, Conv2DBackpropFilter, 'x'),
    heapOffset(backend, dy, Conv2DBackpropFilter, 'dy'),
    heapOffset(backend, out, Conv2DBackpropFilter, 'output'),
    batchSize, inHeight, inWidth, inChannels, outHeight, outWidth,
    outChannels, filterHeight, filterWidth, strideHeight, strideWidth,
    info.padInfo.top, info.padInfo.left,
  );
  return out;
}

export const conv2dBackpropFilterWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as KernelFunc,
};
