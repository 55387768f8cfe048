// RMSProp whose update, on the wasm backend, is one C SIMD call per variable (rmsprop_update
// in main/engine/accel/wasm-simd/training-kernels.c) instead of ~9 tfjs kernels. Only the plain
// (non-centered) form is fused, the one createOptimizer makes; centered runs the stock code.
// Accumulator variables, names, getWeights/setWeights are tfjs's RMSPropOptimizer's own, and
// the float32 arithmetic follows its order, so results match it exactly.
import * as tf from '@tensorflow/tfjs';
import { activeWasmKernels, exclusiveOffset, requireStateFits, writeWeights, fusable, namedGradients, type VariableGradients } from './wasm-update-buffers';
import { heapOffset } from '../../accel/kernels/wasm-heap';

/** RMSPropOptimizer's private state, which tfjs's typings hide from subclasses. */
interface RmsPropState {
  accumulatedMeanSquares: { originalName: string; variable: tf.Variable }[];
  accumulatedMoments: { originalName: string; variable: tf.Variable }[];
  centered: boolean;
}

export class FusedRMSPropOptimizer extends tf.RMSPropOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    const wasm = activeWasmKernels();
    const { names, gradients } = namedGradients(variableGradients);
    const state = this as unknown as RmsPropState;
    if (wasm === undefined || state.centered || !fusable(names, gradients)) {
      super.applyGradients(variableGradients);
      return;
    }
    const { backend, kernels } = wasm;
    const registered = tf.engine().registeredVariables;
    // Created and checked before any weight changes, so a bad restored state changes nothing.
    names.forEach((name, i) => {
      const value = registered[name];
      state.accumulatedMeanSquares[i] ??= { originalName: `${name}/rms`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      state.accumulatedMoments[i] ??= { originalName: `${name}/momentum`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      requireStateFits(state.accumulatedMeanSquares[i].variable, value, 'RMSProp', state.accumulatedMeanSquares[i].originalName);
      requireStateFits(state.accumulatedMoments[i].variable, value, 'RMSProp', state.accumulatedMoments[i].originalName);
    });
    names.forEach((name, i) => {
      const value = registered[name];
      const gradient = gradients[i];
      if (gradient == null) return;
      const ms = exclusiveOffset(backend, state.accumulatedMeanSquares[i].variable, 'RMSProp', `${name}/rms`);
      const mom = exclusiveOffset(backend, state.accumulatedMoments[i].variable, 'RMSProp', `${name}/momentum`);
      const g = heapOffset(backend, gradient, 'RMSProp', `gradient of ${name}`);
      writeWeights(backend, value, 'RMSProp', (w, wOut) => kernels.rmsprop_update(
        w, wOut, g, ms, mom, value.size, this.decay, 1 - this.decay, this.momentum, this.epsilon, this.learningRate,
      ));
    });
    this.incrementIterations();
  }
}

/** Drop-in for tf.train.rmsprop: same defaults, fused on wasm when not centered. */
export function fusedRmsprop(learningRate: number, decay = 0.9, momentum = 0.0, epsilon: number | null = null, centered = false): FusedRMSPropOptimizer {
  return new FusedRMSPropOptimizer(learningRate, decay, momentum, epsilon as number, centered);
}
