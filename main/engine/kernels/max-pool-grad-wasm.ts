// MaxPoolGrad for the wasm backend, replacing the one tfjs-backend-wasm 4.22 ships, which
// loses or misroutes window gradients in ordinary cases: for a 2x2/2 pool over one 4x4
// channel (the worked example in tests/node/kernels/max-pool-grad-wasm.test.ts) it passes
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
import { allocateFloat32, float32View, type WasmBackend } from './wasm-heap';

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
  const imageSize = H * W * C;

  const out = allocateFloat32(backend, input.shape.slice());
  const DX = float32View(backend, out, MaxPoolGrad, 'output');
  const X = float32View(backend, input, MaxPoolGrad, 'input');
  const DY = float32View(backend, dy, MaxPoolGrad, 'dy');
  // A pixel collects at most ceil(pool/stride)² terms, so float32 sums lose nothing measurable.
  DX.fill(0);
  const rowSize = W * C;
  for (let b = 0; b < N; b++) {
    const imageBase = b * imageSize;
    for (let oh = 0; oh < OH; oh++) {
      const rowStart = oh * SH - top;
      const ihMin = Math.max(0, rowStart);
      const ihMax = Math.min(H, rowStart + FH);
      for (let ow = 0; ow < OW; ow++) {
        const colStart = ow * SW - left;
        const iwMin = Math.max(0, colStart);
        const iwMax = Math.min(W, colStart + FW);
        const dyBase = ((b * OH + oh) * OW + ow) * C;
        const windowBase = imageBase + ihMin * rowSize + iwMin * C;
        for (let c = 0; c < C; c++) {
          // Scalar running maximum per channel: row-major over the window, strict '>'.
          let best = -Infinity;
          let where = -1;
          let rowBase = windowBase + c;
          for (let ih = ihMin; ih < ihMax; ih++) {
            let i = rowBase;
            for (let iw = iwMin; iw < iwMax; iw++) {
              const v = X[i];
              if (v > best) {
                best = v;
                where = i;
              }
              i += C;
            }
            rowBase += rowSize;
          }
          if (where >= 0) DX[where] += DY[dyBase + c];
        }
      }
    }
  }
  return out;
}

export const maxPoolGradWasmConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGradWasm as unknown as KernelFunc,
};
