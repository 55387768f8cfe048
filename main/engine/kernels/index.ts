// Kernels that training needs on the wasm backend, written in JavaScript over the wasm heap:
// ones tfjs-backend-wasm 4.22 lacks, one it ships broken, and one it ships slow for the
// products back-propagation asks for. Registered once per process; registering works before
// or after the wasm backend initialises.
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';
import { batchMatMulWasmConfig, isBatchMatMulWrapper } from './batch-matmul-wasm';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter-wasm';
import { depthwiseBackpropFilterWasmConfig } from './depthwise-backprop-filter-wasm';
import { depthwiseBackpropInputWasmConfig } from './depthwise-backprop-input-wasm';
import { maxPoolGradWasmConfig } from './max-pool-grad-wasm';
import { unsortedSegmentSumWasmConfig } from './unsorted-segment-sum-wasm';

/** Kernels the wasm package does not have; a future version that ships one keeps its own. */
export const missingWasmKernels: readonly KernelConfig[] = [
  conv2dBackpropFilterWasmConfig,
  depthwiseBackpropFilterWasmConfig,
  depthwiseBackpropInputWasmConfig,
  unsortedSegmentSumWasmConfig,
];

/** Kernels the wasm package ships with wrong results; ours replace them. */
export const replacedWasmKernels: readonly KernelConfig[] = [maxPoolGradWasmConfig];

/**
 * Registers the training kernels for 'wasm' (the wasm package must be imported first, so its
 * own kernels are registered). Idempotent. Returns the names of this app's kernels now in
 * effect for 'wasm'.
 */
export function registerWasmTrainingKernels(): string[] {
  const inEffect: string[] = [];
  for (const config of missingWasmKernels) {
    const existing = getKernel(config.kernelName, 'wasm');
    if (existing == null) registerKernel(config);
    if (existing == null || existing.kernelFunc === config.kernelFunc) inEffect.push(config.kernelName);
  }
  for (const config of replacedWasmKernels) {
    const existing = getKernel(config.kernelName, 'wasm');
    if (existing?.kernelFunc !== config.kernelFunc) {
      if (existing != null) unregisterKernel(config.kernelName, 'wasm');
      registerKernel(config);
    }
    inEffect.push(config.kernelName);
  }
  const matMul = getKernel('BatchMatMul', 'wasm');
  if (matMul != null) {
    if (!isBatchMatMulWrapper(matMul)) {
      const wrapper = batchMatMulWasmConfig(matMul);
      unregisterKernel('BatchMatMul', 'wasm');
      registerKernel(wrapper);
    }
    inEffect.push('BatchMatMul');
  }
  return inEffect;
}
