// DepthwiseConv2dNativeBackpropInput for the wasm backend (absent from tfjs-backend-wasm
// 4.22; needed to back-propagate through a DepthwiseConv2D layer that is not the first).
//   dx[b,ih,iw,ci] = Σ_{kh,kw,m : oh·sh+kh−top = ih, ow·sw+kw−left = iw} dy[b,oh,ow,ci·mul+m] · w[kh,kw,ci,m]
// Written as a scatter from each dy pixel into the input pixels it came from, one image at
// a time into a float64 accumulator, with the channel loop innermost (contiguous reads).
import {
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { depthwiseLoopGeometry, outputsInside } from './conv-attributes';
import { allocateFloat32, float32View, type WasmBackend } from './wasm-heap';

interface Args {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackend;
  attrs: DepthwiseConv2dNativeBackpropInputAttrs;
}

function depthwiseBackpropInputWasm({ inputs, backend, attrs }: Args): TensorInfo {
  const { dy, filter } = inputs;
  const name = DepthwiseConv2dNativeBackpropInput;
  const { N, H, W, CI, OH, OW, CO, KH, KW, SH, SW, MUL, top, left } = depthwiseLoopGeometry(name, attrs.inputShape, filter.shape as [number, number, number, number], attrs);
  const imageSize = H * W * CI;

  const out = allocateFloat32(backend, attrs.inputShape.slice());
  const DX = float32View(backend, out, name, 'output');
  const DY = float32View(backend, dy, name, 'dy');
  const F = float32View(backend, filter, name, 'filter');
  const acc = new Float64Array(imageSize);

  for (let b = 0; b < N; b++) {
    acc.fill(0);
    for (let kh = 0; kh < KH; kh++) {
      const [ohMin, ohMax] = outputsInside(kh, top, SH, H, OH);
      for (let kw = 0; kw < KW; kw++) {
        const [owMin, owMax] = outputsInside(kw, left, SW, W, OW);
        const wo = (kh * KW + kw) * CO;
        for (let oh = ohMin; oh < ohMax; oh++) {
          const ih = oh * SH + kh - top;
          for (let ow = owMin; ow < owMax; ow++) {
            const xo = (ih * W + ow * SW + kw - left) * CI;
            const dyo = ((b * OH + oh) * OW + ow) * CO;
            if (MUL === 1) {
              for (let c = 0; c < CO; c++) acc[xo + c] += DY[dyo + c] * F[wo + c];
            } else {
              for (let ci = 0; ci < CI; ci++) {
                const base = ci * MUL;
                let s = 0;
                for (let m = 0; m < MUL; m++) s += DY[dyo + base + m] * F[wo + base + m];
                acc[xo + ci] += s;
              }
            }
          }
        }
      }
    }
    DX.set(acc, b * imageSize);
  }
  return out;
}

export const depthwiseBackpropInputWasmConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInputWasm as unknown as KernelFunc,
};
