// Shared checks for the convolution-gradient kernels: tfjs computes the geometry
// (padding 'same' / 'valid' / explicit, rounding) and we reject what the loops do not handle.
import { backend_util } from '@tensorflow/tfjs';

type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;

export interface ConvGeometryRequest {
  kernelName: string;
  inShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: number | [number, number];
  dilations: number | [number, number] | undefined;
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  depthwise: boolean;
  dataFormat?: 'NHWC' | 'NCHW';
}

/** NHWC convolution geometry with dilation 1, or a clear error naming the kernel and attribute. */
export function convGeometry(req: ConvGeometryRequest): backend_util.Conv2DInfo {
  if (req.dataFormat !== undefined && req.dataFormat !== 'NHWC') {
    throw new Error(`${req.kernelName} (wasm, JS kernel): dataFormat must be 'NHWC', got '${req.dataFormat}'`);
  }
  const d = req.dilations ?? 1;
  const [dh, dw] = typeof d === 'number' ? [d, d] : d;
  if (dh !== 1 || dw !== 1) {
    throw new Error(`${req.kernelName} (wasm, JS kernel): only dilations 1 are supported, got [${dh}, ${dw}]`);
  }
  return backend_util.computeConv2DInfo(
    req.inShape,
    req.filterShape,
    req.strides,
    1,
    req.pad,
    req.dimRoundingMode,
    req.depthwise,
    'channelsLast',
  );
}

/**
 * First output index o (inclusive) for which o·stride + k − pad ≥ 0, and the end (exclusive)
 * for which it stays < inSize: the outputs that filter tap k sees inside the input.
 */
export function outputsInside(k: number, pad: number, stride: number, inSize: number, outSize: number): [number, number] {
  const min = Math.max(0, Math.ceil((pad - k) / stride));
  const max = Math.min(outSize, Math.floor((inSize - 1 + pad - k) / stride) + 1);
  return [min, Math.max(min, max)];
}

/** The attributes both depthwise gradient kernels take besides the two shapes. */
export type DepthwiseAttributes = Pick<ConvGeometryRequest, 'strides' | 'dilations' | 'pad' | 'dimRoundingMode'>;

/** Depthwise geometry under the short names the gradient loops use. */
export interface DepthwiseLoopGeometry {
  /** Input [N, H, W, CI], output [N, OH, OW, CO], filter [KH, KW, CI, MUL], strides SH × SW. */
  N: number; H: number; W: number; CI: number;
  OH: number; OW: number; CO: number;
  KH: number; KW: number; SH: number; SW: number;
  /** Output channels per input channel (CO / CI). */
  MUL: number;
  /** Padding before the first row and column. */
  top: number; left: number;
}

/** The geometry of a depthwise convolution (dilation 1), or a clear error naming the kernel. */
export function depthwiseLoopGeometry(
  kernelName: string,
  inShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: DepthwiseAttributes,
): DepthwiseLoopGeometry {
  const info = convGeometry({
    kernelName,
    inShape,
    filterShape,
    strides: attrs.strides,
    dilations: attrs.dilations,
    pad: attrs.pad,
    dimRoundingMode: attrs.dimRoundingMode,
    depthwise: true,
  });
  return {
    N: info.batchSize, H: info.inHeight, W: info.inWidth, CI: info.inChannels,
    OH: info.outHeight, OW: info.outWidth, CO: info.outChannels,
    KH: info.filterHeight, KW: info.filterWidth, SH: info.strideHeight, SW: info.strideWidth,
    MUL: info.outChannels / info.inChannels,
    top: info.padInfo.top, left: info.padInfo.left,
  };
}
