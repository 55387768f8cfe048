// A relu's backward from its output, dy · step(y), in one C SIMD pass on the wasm heap: tfjs's
// gradient takes Step, Cast and Multiply (three kernels, two temporaries the size of the
// activation). Called directly from custom gradients (fused-dense, fused-chain); elsewhere it
// is the tfjs expression.
import * as tf from '@tensorflow/tfjs';
import { allocateFloat32, heapOffset, simdKernels, type WasmBackend } from './wasm-heap';

export function reluBackward<T extends tf.Tensor>(dy: T, y: T): T {
  if (tf.getBackend() !== 'wasm' || dy.dtype !== 'float32' || y.dtype !== 'float32' || dy.size !== y.size) {
    return tf.mul(dy, tf.step(y)) as T;
  }
  const backend = tf.backend() as unknown as WasmBackend;
  const out = allocateFloat32(backend, dy.shape.slice());
  simdKernels(backend).relu_backward(heapOffset(backend, dy, 'ReluBackward', 'dy'), heapOffset(backend, y, 'ReluBackward', 'y'), heapOffset(backend, out, 'ReluBackward', 'dz'), dy.size);
  return tf.engine().makeTensorFromTensorInfo(out) as T;
}
