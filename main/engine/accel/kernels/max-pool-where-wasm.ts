// Max pooling for training on the wasm heap, used by the fused chain forward: the forward
// records each output's winning input index (C max_pool_where), so the backward is a scatter
// (max_pool_scatter) instead of MaxPoolGrad's second scan of the input and its windows.
// (What it saved: docs/benchmarks.md.)
// Same values and the same gradient routing as tf.maxPool and our MaxPoolGrad.
import * as tf from '@tensorflow/tfjs';
import { heapOffset, heapOffsetInt32, simdKernels, type WasmBackend } from './wasm-heap';

const NAME = 'MaxPoolWhere';

/** y = maxPool(x) and, per output value, the index in x it came from (an int32 tensor, −1 for none). */
export function maxPoolWithWhere(x: tf.Tensor, poolSize: [number, number], strides: [number, number], padding: 'valid' | 'same'): { y: tf.Tensor; where: tf.Tensor } {
  const backend = tf.backend() as unknown as WasmBackend;
  const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], poolSize, strides, 1, padding);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const shape = [N, OH, OW, C];
  const y = backend.makeOutput(shape, 'float32');
  const where = backend.makeOutput(shape, 'int32');
  simdKernels(backend).max_pool_where(
    heapOffset(backend, x, NAME, 'x'), heapOffset(backend, y, NAME, 'y'), heapOffsetInt32(backend, where, NAME, 'where'),
    N, H, W, C, OH, OW, info.effectiveFilterHeight, info.effectiveFilterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
  );
  return { y: tf.engine().makeTensorFromTensorInfo(y), where: tf.engine().makeTensorFromTensorInfo(where) };
}

/** The gradient for the pooling's input: each output's gradient at the index it came from. */
export function maxPoolScatter(dy: tf.Tensor, where: tf.Tensor, inputShape: number[]): tf.Tensor {
  const backend = tf.backend() as unknown as WasmBackend;
  const dx = backend.makeOutput(inputShape.slice(), 'float32');
  simdKernels(backend).max_pool_scatter(heapOffset(backend, dy, NAME, 'dy'), heapOffsetInt32(backend, where, NAME, 'where'), heapOffset(backend, dx, NAME, 'dx'), dy.size, tf.util.sizeFromShape(inputShape));
  return tf.engine().makeTensorFromTensorInfo(dx);
}
