// tfjs-backend-cpu 4.22's Transform kernel (tf.image.transform) returns from inside its loop
// over the batch: only the first image is transformed and every other one comes back filled
// with the fill value (zeros). Augmentation applies one transform per sample of a batch, so
// on the cpu backend it would train on blank images. This wrapper runs the shipped kernel
// once per image (a batch of one, which it gets right) and stacks the results; a future
// version that fixes the loop gives the same output through it.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

type Values = Float32Array | Int32Array | Uint8Array;

/** The slice of the cpu backend this wrapper uses (tfjs-backend-cpu's MathBackendCPU). */
interface CpuBackend {
  data: { get(dataId: object): { values: Values } };
  makeTensorInfo(shape: number[], dtype: TensorInfo['dtype'], values?: Values): TensorInfo;
  disposeIntermediateTensorInfo(info: TensorInfo): void;
}

const WRAPPED = Symbol('transform-cpu-wrapper');

export function isTransformCpuWrapper(config: KernelConfig): boolean {
  return (config.kernelFunc as { [WRAPPED]?: boolean })[WRAPPED] === true;
}

export function transformCpuConfig(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const image = args.inputs.image as TensorInfo;
    const transforms = args.inputs.transforms as TensorInfo;
    const batch = image.shape[0];
    if (batch <= 1) return original.kernelFunc(args);
    const backend = args.backend as unknown as CpuBackend;
    const imageValues = backend.data.get(image.dataId).values;
    const transformValues = backend.data.get(transforms.dataId).values;
    const perImage = imageValues.length / batch;
    const oneTransform = transforms.shape[0] === 1;
    let out: Values | undefined;
    let outShape: number[] = [];
    for (let b = 0; b < batch; b++) {
      const one = backend.makeTensorInfo([1, ...image.shape.slice(1)], image.dtype, imageValues.slice(b * perImage, (b + 1) * perImage));
      const t = oneTransform ? 0 : b;
      const matrix = backend.makeTensorInfo([1, 8], transforms.dtype, transformValues.slice(t * 8, t * 8 + 8));
      const result = original.kernelFunc({ ...args, inputs: { image: one, transforms: matrix } }) as TensorInfo;
      const values = backend.data.get(result.dataId).values;
      if (!out) {
        out = new (values.constructor as new (n: number) => Values)(values.length * batch);
        outShape = [batch, ...result.shape.slice(1)];
      }
      out.set(values, b * values.length);
      for (const info of [one, matrix, result]) backend.disposeIntermediateTensorInfo(info);
    }
    return backend.makeTensorInfo(outShape, image.dtype, out);
  };
  (kernelFunc as { [WRAPPED]?: boolean })[WRAPPED] = true;
  return { ...original, kernelFunc };
}
