// The few parts of tfjs-backend-wasm's BackendWasm that our JavaScript kernels use, in one
// place, so a change in that internal surface shows up here and nowhere else.
//
// Why views are taken late: every allocation on the wasm heap (makeOutput, or another kernel
// producing its output) may grow WebAssembly memory, which detaches all earlier
// Float32Array views. Kernels therefore allocate first and call float32View afterwards, and
// take fresh views after calling any other kernel.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs';

export type WasmBackend = BackendWasm;

/** A live Float32Array over a float32 tensor's bytes on the wasm heap (no copy). */
export function float32View(backend: WasmBackend, info: TensorInfo, kernelName: string, inputName: string): Float32Array {
  if (info.dtype !== 'float32') {
    throw new Error(`${kernelName} (wasm, JS kernel): input '${inputName}' must be float32, got ${info.dtype}`);
  }
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** Allocates an uninitialised float32 output tensor on the wasm heap. */
export function allocateFloat32(backend: WasmBackend, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32');
}

/** Releases a temporary tensor a kernel allocated (or took a reference to) for itself. */
export function releaseTemporary(backend: WasmBackend, info: TensorInfo): void {
  backend.disposeData(info.dataId);
}
