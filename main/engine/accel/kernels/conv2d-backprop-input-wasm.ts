// Conv2DBackpropInput for the wasm backend, wrapping the shipped kernel. For stride 1 (every
// 3x3 'same' or 'valid' convolution in the built-in architectures) the input gradient is
// itself a stride-1 convolution, which XNNPACK's Conv2D runs an order of magnitude faster
// than the shipped backprop loop (docs/benchmarks.md):
//   dx = conv2d(dy, W′, pads top′ = KH−1−top, bottom′ = KH−1−bottom, left′, right′ likewise)
//   W′[kh, kw, co, ci] = W[KH−1−kh, KW−1−kw, ci, co]   (rotated 180°, channels swapped)
// Strided convolutions keep the shipped kernel.
import {
  Conv2DBackpropInput,
  getKernel,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { convGeometry } from './conv-attributes';
import { allocateFloat32, float32View, releaseTemporary, type WasmBackend } from './wasm-heap';

interface Args {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackend;
  attrs: Conv2DBackpropInputAttrs;
}

let shipped: KernelConfig | undefined;

function conv2dBackpropInputWasm(args: Args): TensorInfo {
  if (shipped === undefined) throw new Error(`${Conv2DBackpropInput} (wasm): the shipped kernel was not captured before replacement`);
  const { inputs: { dy, filter }, backend, attrs } = args;
  const info = convGeometry({
    kernelName: Conv2DBackpropInput,
    inShape: attrs.inputShape,
    filterShape: filter.shape as [number, number, number, number],
    strides: attrs.strides,
    dilations: 1,
    pad: attrs.pad,
    dimRoundingMode: attrs.dimRoundingMode,
    depthwise: false,
    dataFormat: attrs.dataFormat,
  });
  const { filterHeight: KH, filterWidth: KW, inChannels: CI, outChannels: CO, padInfo } = info;
  const pads = [KH - 1 - padInfo.top, KH - 1 - padInfo.bottom, KW - 1 - padInfo.left, KW - 1 - padInfo.right];
  const conv2d = getKernel('Conv2D', 'wasm');
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || pads.some((p) => p < 0) || conv2d == null || filter.dtype !== 'float32') {
    return (shipped.kernelFunc as unknown as (a: Args) => TensorInfo)(args);
  }

  const flipped = allocateFloat32(backend, [KH, KW, CO, CI]);
  const source = float32View(backend, filter, Conv2DBackpropInput, 'filter');
  const target = float32View(backend, flipped, Conv2DBackpropInput, 'flipped filter');
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const from = ((KH - 1 - kh) * KW + (KW - 1 - kw)) * CI * CO;
      const to = (kh * KW + kw) * CO * CI;
      for (let ci = 0; ci < CI; ci++) {
        for (let co = 0; co < CO; co++) target[to + co * CI + ci] = source[from + ci * CO + co];
      }
    }
  }
  try {
    const dx = conv2d.kernelFunc({
      inputs: { x: dy, filter: flipped },
      backend,
      attrs: { strides: 1, dilations: 1, dataFormat: 'NHWC', pad: [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]] },
    }) as TensorInfo;
    const shape = dx.shape.join(',');
    if (shape !== attrs.inputShape.join(',')) {
      releaseTemporary(backend, dx);
      throw new Error(`${Conv2DBackpropInput} (wasm): expected an input gradient of shape [${attrs.inputShape}], got [${shape}]`);
    }
    return dx;
  } finally {
    releaseTemporary(backend, flipped);
  }
}

/** Our config wrapping `original` (the shipped one), keeping its setup function. */
export function conv2dBackpropInputWasmConfig(original: KernelConfig): KernelConfig {
  shipped = original;
  return {
    kernelName: Conv2DBackpropInput,
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: conv2dBackpropInputWasm as unknown as KernelFunc,
  };
}

/** True when `config` is this module's wrapper (so it is not wrapped twice). */
export function isConv2dBackpropInputWrapper(config: KernelConfig | undefined): boolean {
  return config?.kernelFunc === (conv2dBackpropInputWasm as unknown as KernelFunc);
}
