// Where the fused optimizers (fused-adam.ts, fused-sgd.ts, fused-rmsprop.ts) find the tensors
// they update on the wasm heap, and how they write them safely.
//
// Weights get a fresh buffer every step (writeWeights), as with tfjs's own optimizers:
// tfjs-backend-wasm's XNNPACK matmul and conv operators cache packed copies of their weights
// keyed by the tensor's id, so weights changed in place under the same id would be used stale
// by the next forward pass.
//
// Optimizer state (Adam's moments, RMSProp's accumulators, the β powers) is updated in place,
// which saves an allocation per tensor per step; only the fused update and getWeights read it.
// That needs one guard: tfjs shares one buffer (dataId) between tensors whenever it can (a
// variable made by `tensor.variable()` — setWeights does this — shares its tensor's buffer), and
// the stock optimizers never write into a buffer. So a state variable whose buffer has any other
// reference first gets a private copy (exclusiveOffset); after that its reference count is 1.
// That also rules out aliasing between the buffers handed to one C call.
import * as tf from '@tensorflow/tfjs';
import { heapOffset, simdKernels, type WasmBackend } from '../../accel/kernels/wasm-heap';
import type { TrainingKernels } from '../../accel/wasm-simd/training-kernels';

/** The active backend and its SIMD kernels when it is wasm, otherwise undefined (use stock code). */
export function activeWasmKernels(): { backend: WasmBackend; kernels: TrainingKernels } | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as unknown as WasmBackend;
  return { backend, kernels: simdKernels(backend) };
}

/**
 * The heap offset of `variable`'s buffer, first giving the variable a private copy of its
 * values when any other tensor shares that buffer, so writing there changes nothing else.
 */
export function exclusiveOffset(backend: WasmBackend, variable: tf.Variable, optimizer: string, role: string): number {
  if (backend.refCount(variable.dataId) > 1) {
    const copy = tf.tensor(variable.dataSync(), variable.shape, variable.dtype);
    variable.assign(copy);
    copy.dispose();
  }
  return heapOffset(backend, variable, optimizer, role);
}

/**
 * Checks that an optimizer state variable (restored by setWeights, perhaps from a checkpoint
 * of another model) fits its weight: the C update would otherwise run past its end on the heap.
 */
export function requireStateFits(state: tf.Variable, weight: tf.Variable, optimizer: string, role: string): void {
  if (state.dtype !== 'float32' || state.size !== weight.size) {
    throw new Error(`${optimizer}: optimizer state '${role}' is ${state.dtype} [${state.shape.join(', ')}] but weight '${weight.name}' is ${weight.dtype} [${weight.shape.join(', ')}]; the optimizer state does not belong to these weights`);
  }
}

/**
 * Runs `write(input, output)` with the heap offsets of `variable`'s values and of a fresh
 * float32 buffer of the same shape, then makes that buffer the variable's value.
 */
export function writeWeights(backend: WasmBackend, variable: tf.Variable, optimizer: string, write: (input: number, output: number) => void): void {
  const out = tf.engine().makeTensorFromTensorInfo(backend.makeOutput(variable.shape.slice(), 'float32'));
  write(heapOffset(backend, variable, optimizer, variable.name), heapOffset(backend, out, optimizer, `new ${variable.name}`));
  variable.assign(out);
  out.dispose();
}

/** Reads a float32 scalar variable, and writes a new value into it in place (exclusive). */
export function scalarVariable(backend: WasmBackend, variable: tf.Variable, optimizer: string, role: string): { value: number; set(next: number): void } {
  exclusiveOffset(backend, variable, optimizer, role);
  // A fresh view each time: a heap allocation in between may have grown (detached) the memory.
  const view = () => backend.typedArrayFromHeap(variable) as Float32Array;
  return { value: view()[0], set: (next: number) => { view()[0] = next; } };
}

/**
 * True when every named gradient can take the fused path: a float32 gradient of the same size
 * as its registered float32 variable. Otherwise the caller runs the stock update for all of
 * them, so one step never mixes the two.
 */
export function fusable(names: readonly string[], gradients: readonly (tf.Tensor | null | undefined)[]): boolean {
  const registered = tf.engine().registeredVariables;
  return names.every((name, i) => {
    const variable = registered[name];
    const gradient = gradients[i];
    if (variable === undefined) return false;
    if (gradient == null) return true;
    return variable.dtype === 'float32' && gradient.dtype === 'float32' && gradient.size === variable.size;
  });
}

/** What Optimizer.applyGradients accepts: a map of gradients by variable name, or a list. */
export type VariableGradients = Parameters<tf.Optimizer['applyGradients']>[0];

/** Names and gradients in order, from either form Optimizer.applyGradients accepts. */
export function namedGradients(variableGradients: VariableGradients): { names: string[]; gradients: (tf.Tensor | null | undefined)[] } {
  if (Array.isArray(variableGradients)) {
    return { names: variableGradients.map((v) => v.name), gradients: variableGradients.map((v) => v.tensor) };
  }
  const names = Object.keys(variableGradients);
  return { names, gradients: names.map((name) => variableGradients[name]) };
}
