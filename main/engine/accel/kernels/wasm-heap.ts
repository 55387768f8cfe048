// The few parts of tfjs-backend-wasm's BackendWasm that our kernels use, in one place, so a
// change in that internal surface shows up here and nowhere else.
//
// Why views are taken late: every allocation on the wasm heap (makeOutput, or another kernel
// producing its output) may grow WebAssembly memory, which detaches all earlier
// Float32Array views. Kernels therefore allocate first and call float32View afterwards, and
// take fresh views after calling any other kernel. Byte offsets (heapOffset) stay valid.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs';
import { isWasmMemory, trainingKernelsFor, type TrainingKernels } from '../wasm-simd/training-kernels';

export type WasmBackend = BackendWasm;

/** A live Float32Array over a float32 tensor's bytes on the wasm heap (no copy). */
export function float32View(backend: WasmBackend, info: TensorInfo, kernelName: string, inputName: string): Float32Array {
  requireFloat32(info, kernelName, inputName);
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** The byte offset of a float32 tensor's data on the wasm heap, for the C kernels. */
export function heapOffset(backend: WasmBackend, info: TensorInfo, kernelName: string, inputName: string): number {
  requireFloat32(info, kernelName, inputName);
  const data = backend.dataIdMap.get(info.dataId);
  if (data?.memoryOffset == null) throw new Error(`${kernelName} (wasm): input '${inputName}' has no data on the wasm heap`);
  return data.memoryOffset;
}

/** The byte offset of an int32 tensor's data on the wasm heap (index buffers for the C kernels). */
export function heapOffsetInt32(backend: WasmBackend, info: TensorInfo, kernelName: string, inputName: string): number {
  if (info.dtype !== 'int32') throw new Error(`${kernelName} (wasm, JS kernel): input '${inputName}' must be int32, got ${info.dtype}`);
  const data = backend.dataIdMap.get(info.dataId);
  if (data?.memoryOffset == null) throw new Error(`${kernelName} (wasm): input '${inputName}' has no data on the wasm heap`);
  return data.memoryOffset;
}

function requireFloat32(info: TensorInfo, kernelName: string, inputName: string): void {
  if (info.dtype !== 'float32') {
    throw new Error(`${kernelName} (wasm, JS kernel): input '${inputName}' must be float32, got ${info.dtype}`);
  }
}

/** Allocates an uninitialised float32 output tensor on the wasm heap. */
export function allocateFloat32(backend: WasmBackend, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32');
}

/** Releases a temporary tensor a kernel allocated (or took a reference to) for itself. */
export function releaseTemporary(backend: WasmBackend, info: TensorInfo): void {
  backend.disposeData(info.dataId);
}

/** The C SIMD kernels (main/engine/accel/wasm-simd), sharing this backend's memory. */
export function simdKernels(backend: WasmBackend): TrainingKernels {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!isWasmMemory(memory)) {
    throw new Error('wasm backend: cannot reach tfjs-backend-wasm\'s WebAssembly.Memory (Module.asm.memory); the SIMD training kernels need it');
  }
  return trainingKernelsFor(memory);
}
