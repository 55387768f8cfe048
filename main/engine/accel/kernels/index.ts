// Kernels that training needs on the wasm backend, in JavaScript over the wasm heap or in C
// compiled to WebAssembly SIMD (main/engine/accel/wasm-simd): ones tfjs-backend-wasm 4.22 lacks,
// ones it ships broken or slow, and wrappers that send the cases back-propagation asks for
// to a faster formulation. Registered once per process; registering works before
// or after the wasm backend initialises.
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';
import { batchMatMulWasmConfig, isBatchMatMulWrapper } from './batch-matmul-wasm';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter-wasm';
import { fusedMatMulWasmConfig, isFusedMatMulWrapper } from './fused-matmul-wasm';
import { depthwiseBackpropFilterWasmConfig } from './depthwise-backprop-filter-wasm';
import { depthwiseBackpropInputWasmConfig } from './depthwise-backprop-input-wasm';
import { broadcastBinaryKernelNames, broadcastBinaryWasmConfig, isBroadcastBinaryWrapper } from './broadcast-binary-wasm';
import { conv2dBackpropInputWasmConfig, isConv2dBackpropInputWrapper } from './conv2d-backprop-input-wasm';
import { maxPoolGradWasmConfig } from './max-pool-grad-wasm';
import { isSumWrapper, sumWasmConfig } from './sum-wasm';
import { tileWasmConfig } from './tile-wasm';
import { unsortedSegmentSumWasmConfig } from './unsorted-segment-sum-wasm';
import { isTransformCpuWrapper, transformCpuConfig } from './transform-cpu';

/** Kernels the wasm package does not have; a future version that ships one keeps its own. */
export const missingWasmKernels: readonly KernelConfig[] = [
  conv2dBackpropFilterWasmConfig,
  depthwiseBackpropFilterWasmConfig,
  depthwiseBackpropInputWasmConfig,
  unsortedSegmentSumWasmConfig,
];

/** Kernels the wasm package ships with wrong results (MaxPoolGrad) or slow (Tile); ours replace them. */
export const replacedWasmKernels: readonly KernelConfig[] = [maxPoolGradWasmConfig, tileWasmConfig];

/** Shipped kernels wrapped so the cases training needs take a faster path (the rest pass through). */
const wrappedWasmKernels: { name: string; wrap: (original: KernelConfig) => KernelConfig; isWrapper: (c: KernelConfig) => boolean }[] = [
  { name: 'BatchMatMul', wrap: batchMatMulWasmConfig, isWrapper: isBatchMatMulWrapper },
  { name: '_FusedMatMul', wrap: fusedMatMulWasmConfig, isWrapper: isFusedMatMulWrapper },
  { name: 'Sum', wrap: sumWasmConfig, isWrapper: isSumWrapper },
  { name: 'Conv2DBackpropInput', wrap: conv2dBackpropInputWasmConfig, isWrapper: isConv2dBackpropInputWrapper },
  ...broadcastBinaryKernelNames.map((name) => ({ name, wrap: broadcastBinaryWasmConfig, isWrapper: isBroadcastBinaryWrapper })),
];

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
  for (const { name, wrap, isWrapper } of wrappedWasmKernels) {
    const original = getKernel(name, 'wasm');
    if (original == null) continue;
    if (!isWrapper(original)) {
      const wrapper = wrap(original);
      unregisterKernel(name, 'wasm');
      registerKernel(wrapper);
    }
    inEffect.push(name);
  }
  return inEffect;
}

/**
 * Fixes for kernels tfjs-backend-cpu ships wrong (Transform: only the first image of a batch
 * is transformed). Idempotent. Returns the names of the kernels wrapped for 'cpu'.
 */
export function registerCpuKernelFixes(): string[] {
  const original = getKernel('Transform', 'cpu');
  if (original == null) return [];
  if (!isTransformCpuWrapper(original)) {
    unregisterKernel('Transform', 'cpu');
    registerKernel(transformCpuConfig(original));
  }
  return ['Transform'];
}
