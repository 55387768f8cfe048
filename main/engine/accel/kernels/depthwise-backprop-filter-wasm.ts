// DepthwiseConv2dNativeBackpropFilter for the wasm backend (absent from tfjs-backend-wasm
// 4.22; needed to train DepthwiseConv2D / SeparableConv2D layers, e.g. MobileNet fine-tuning).
//   dW[kh,kw,ci,m] = Σ_{b,oh,ow} x[b, oh·sh+kh−top, ow·sw+kw−left, ci] · dy[b,oh,ow,ci·mul+m]
// A direct loop over the heap's Float32Arrays; the channel loop is innermost so both reads
// are contiguous, and sums are kept in float64 like the cpu backend's reference loop.
import {
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { depthwiseLoopGeometry, outputsInside } from './conv-attributes';
import { allocateFloat32, float32View, type WasmBackend } from './wasm-heap';

interface Args {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs;
}

function depthwiseBackpropFilterWasm({ inputs, backend, attrs }: Args): TensorInfo {
  const { x, dy } = inputs;
  const name = DepthwiseConv2dNativeBackpropFilter;
  const { N, H, W, CI, OH, OW, CO, KH, KW, SH, SW, MUL, top, left } = depthwiseLoopGeometry(name, x.shape as [number, number, number, number], attrs.filterShape, attrs);

  const out = allocateFloat32(backend, attrs.filterShape.slice());
  const X = float32View(backend, x, name, 'x');
  const DY = float32View(backend, dy, name, 'dy');
  const acc = new Float64Array(KH * KW * CO);

  for (let b = 0; b < N; b++) {
    for (let kh = 0; kh < KH; kh++) {
      const [ohMin, ohMax] = outputsInside(kh, top, SH, H, OH);
      for (let kw = 0; kw < KW; kw++) {
        const [owMin, owMax] = outputsInside(kw, left, SW, W, OW);
        const wo = (kh * KW + kw) * CO;
        for (let oh = ohMin; oh < ohMax; oh++) {
          const ih = oh * SH + kh - top;
          for (let ow = owMin; ow < owMax; ow++) {
            const xo = ((b * H + ih) * W + ow * SW + kw - left) * CI;
            const dyo = ((b * OH + oh) * OW + ow) * CO;
            if (MUL === 1) {
              for (let c = 0; c < CO; c++) acc[wo + c] += X[xo + c] * DY[dyo + c];
            } else {
              for (let ci = 0; ci < CI; ci++) {
                const xv = X[xo + ci];
                const base = ci * MUL;
                for (let m = 0; m < MUL; m++) acc[wo + base + m] += xv * DY[dyo + base + m];
              }
            }
          }
        }
      }
    }
  }
  float32View(backend, out, name, 'output').set(acc);
  return out;
}

export const depthwiseBackpropFilterWasmConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilterWasm as unknown as KernelFunc,
};
