// SGD whose update, on the wasm backend, is one C SIMD call per variable (sgd_update in
// main/engine/accel/wasm-simd/training-kernels.c) instead of a Mul and an Add with their outputs.
// Same float32 arithmetic as tfjs's SGDOptimizer, w = (−lr)·g + w; everything else inherited.
import * as tf from '@tensorflow/tfjs';
import { activeWasmKernels, writeWeights, fusable, namedGradients, type VariableGradients } from './wasm-update-buffers';
import { heapOffset } from '../../accel/kernels/wasm-heap';

export class FusedSGDOptimizer extends tf.SGDOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    const wasm = activeWasmKernels();
    const { names, gradients } = namedGradients(variableGradients);
    if (wasm === undefined || !fusable(names, gradients)) {
      super.applyGradients(variableGradients);
      return;
    }
    const { backend, kernels } = wasm;
    const registered = tf.engine().registeredVariables;
    names.forEach((name, i) => {
      const gradient = gradients[i];
      if (gradient == null) return;
      const value = registered[name];
      const g = heapOffset(backend, gradient, 'SGD', `gradient of ${name}`);
      writeWeights(backend, value, 'SGD', (w, wOut) => kernels.sgd_update(w, wOut, g, value.size, -this.learningRate));
    });
    this.incrementIterations();
  }
}

/** Drop-in for tf.train.sgd, fused on wasm. */
export function fusedSgd(learningRate: number): FusedSGDOptimizer {
  return new FusedSGDOptimizer(learningRate);
}
