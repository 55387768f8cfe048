// Conv2DBackpropFilter for the wasm backend, which tfjs-backend-wasm 4.22 does not provide
// (without it, training any Conv2D layer on wasm fails). The filter gradient is
//   dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·sh+kh−top, ow·sw+kw−left, ci] · dy[b,oh,ow,co]
// computed as im2col + one matrix product: patchesᵀ [K = kh·kw·ci, M = b·oh·ow] written
// row by row in JavaScript, then multiplied by dy [M, co] with the wasm BatchMatMul kernel
// (XNNPACK). The operands are laid out so BatchMatMul needs no transpose: measured on this
// machine, a transposed operand takes its slow path (~12x slower).
import {
  Conv2DBackpropFilter,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type Conv2DBackpropFilterAttrs,
} from '@tensorflow/tfjs';
import { convGeometry, outputsInside } from './conv-attributes';
import { allocateFloat32, float32View, releaseTemporary, type WasmBackend } from './wasm-heap';

/** Upper bound on the im2col buffer (floats); larger batches are processed in chunks of images. */
let maxPatchFloats = 1 << 23; // 32 MiB

/** Changes the im2col buffer bound (tests use a small one to exercise chunking); returns the old one. */
export function setIm2colBufferLimit(floats: number): number {
  if (!Number.isInteger(floats) || floats < 1) throw new Error(`im2col buffer limit must be a positive integer, got ${floats}`);
  const previous = maxPatchFloats;
  maxPatchFloats = floats;
  return previous;
}

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
  const { batchSize, outHeight, outWidth, outChannels, filterHeight, filterWidth, inChannels } = info;
  const K = filterHeight * filterWidth * inChannels;
  const pixels = outHeight * outWidth;
  const imagesPerChunk = Math.max(1, Math.min(batchSize, Math.floor(maxPatchFloats / (K * pixels))));
  const matMul = batchMatMulKernel();

  if (imagesPerChunk === batchSize) {
    // One chunk: dy is already the [M, co] operand; view it with that shape (no copy, no
    // refcount: BatchMatMul takes and releases its own reference).
    const dyMatrix: TensorInfo = { dataId: dy.dataId, shape: [1, batchSize * pixels, outChannels], dtype: dy.dtype };
    const out = chunkProduct(backend, matMul, info, x, dyMatrix, 0, batchSize);
    out.shape = attrs.filterShape.slice();
    return out;
  }

  const sum = new Float64Array(K * outChannels);
  for (let first = 0; first < batchSize; first += imagesPerChunk) {
    const count = Math.min(imagesPerChunk, batchSize - first);
    const dyChunk = allocateFloat32(backend, [1, count * pixels, outChannels]);
    const start = first * pixels * outChannels;
    float32View(backend, dyChunk, Conv2DBackpropFilter, 'dy').set(
      float32View(backend, dy, Conv2DBackpropFilter, 'dy').subarray(start, start + count * pixels * outChannels),
    );
    const part = chunkProduct(backend, matMul, info, x, dyChunk, first, count);
    releaseTemporary(backend, dyChunk);
    const partValues = float32View(backend, part, Conv2DBackpropFilter, 'partial');
    for (let i = 0; i < sum.length; i++) sum[i] += partValues[i];
    releaseTemporary(backend, part);
  }
  const out = allocateFloat32(backend, attrs.filterShape.slice());
  float32View(backend, out, Conv2DBackpropFilter, 'output').set(sum);
  return out;
}

/** patchesᵀ(images first..first+count) · dyMatrix → a new [1, K, co] tensor. */
function chunkProduct(
  backend: WasmBackend,
  matMul: KernelFunc,
  info: ReturnType<typeof convGeometry>,
  x: TensorInfo,
  dyMatrix: TensorInfo,
  first: number,
  count: number,
): TensorInfo {
  const { inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const M = count * OH * OW;
  const patches = allocateFloat32(backend, [1, KH * KW * CI, M]);
  const P = float32View(backend, patches, Conv2DBackpropFilter, 'patches');
  const X = float32View(backend, x, Conv2DBackpropFilter, 'x');
  const imageSize = H * W * CI;
  const rowSize = W * CI;
  const step = SW * CI;

  for (let kh = 0; kh < KH; kh++) {
    const [ohMin, ohMax] = outputsInside(kh, top, SH, H, OH);
    for (let kw = 0; kw < KW; kw++) {
      const [owMin, owMax] = outputsInside(kw, left, SW, W, OW);
      for (let ci = 0; ci < CI; ci++) {
        let p = ((kh * KW + kw) * CI + ci) * M;
        for (let b = first; b < first + count; b++) {
          const imageBase = b * imageSize + ci;
          for (let oh = 0; oh < OH; oh++) {
            if (oh < ohMin || oh >= ohMax) {
              P.fill(0, p, p + OW);
              p += OW;
              continue;
            }
            let ow = 0;
            for (; ow < owMin; ow++) P[p++] = 0;
            let xi = imageBase + (oh * SH + kh - top) * rowSize + (owMin * SW + kw - left) * CI;
            for (; ow < owMax; ow++) {
              P[p++] = X[xi];
              xi += step;
            }
            for (; ow < OW; ow++) P[p++] = 0;
          }
        }
      }
    }
  }

  const product = matMul({
    inputs: { a: patches, b: dyMatrix },
    backend,
    attrs: { transposeA: false, transposeB: false },
  }) as TensorInfo;
  releaseTemporary(backend, patches);
  return product;
}

function batchMatMulKernel(): KernelFunc {
  const kernel = getKernel('BatchMatMul', 'wasm');
  if (kernel == null) throw new Error(`${Conv2DBackpropFilter} (wasm, JS kernel): the wasm BatchMatMul kernel is not registered`);
  return kernel.kernelFunc;
}

export const conv2dBackpropFilterWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as KernelFunc,
};
