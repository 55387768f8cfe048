// Adam whose update, on the wasm backend, is one C SIMD call per variable per step
// (adam_update in main/engine/accel/wasm-simd/training-kernels.c) instead of tfjs's ~12 kernels and
// output allocations per variable. For small models that per-kernel overhead, not arithmetic,
// was most of a training step (issue #8). Weights land in a fresh buffer each step and the
// moments are updated in place (see wasm-update-buffers.ts for why each).
//
// It is tfjs's AdamOptimizer in everything else: the moment variables, their names and order,
// the accumulated β powers, getWeights/setWeights (checkpoints), dispose and serialisation are
// all inherited, and the arithmetic repeats tfjs's float32 operations in the same order, so
// results match the stock optimizer exactly and a run resumed from a checkpoint continues as
// before. On other backends applyGradients is the stock one.
import * as tf from '@tensorflow/tfjs';
import { activeWasmKernels, exclusiveOffset, requireStateFits, writeWeights, fusable, namedGradients, type VariableGradients, scalarVariable } from './wasm-update-buffers';
import { heapOffset } from '../../accel/kernels/wasm-heap';

/** AdamOptimizer's private state, which tfjs's typings hide from subclasses. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    const wasm = activeWasmKernels();
    const { names, gradients } = namedGradients(variableGradients);
    if (wasm === undefined || !fusable(names, gradients)) {
      // tfjs types Adam's parameter as a map of Variables; it only reads tensors from it.
      super.applyGradients(variableGradients as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
      return;
    }
    const { backend, kernels } = wasm;
    const state = this as unknown as AdamState;
    const accBeta1 = scalarVariable(backend, state.accBeta1, 'Adam', 'accBeta1');
    const accBeta2 = scalarVariable(backend, state.accBeta2, 'Adam', 'accBeta2');
    // tfjs: sub(1, accBeta) on float32 scalars.
    const oneMinusAccBeta1 = Math.fround(1 - accBeta1.value);
    const oneMinusAccBeta2 = Math.fround(1 - accBeta2.value);
    const registered = tf.engine().registeredVariables;
    // Moments are indexed by position, as in the stock optimizer (and its checkpoints); all are
    // created and checked before any weight changes, so a bad restored state changes nothing.
    names.forEach((name, i) => {
      const value = registered[name];
      state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      requireStateFits(state.accumulatedFirstMoment[i].variable, value, 'Adam', state.accumulatedFirstMoment[i].originalName);
      requireStateFits(state.accumulatedSecondMoment[i].variable, value, 'Adam', state.accumulatedSecondMoment[i].originalName);
    });
    names.forEach((name, i) => {
      const value = registered[name];
      const gradient = gradients[i];
      if (gradient == null) return;
      const m = exclusiveOffset(backend, state.accumulatedFirstMoment[i].variable, 'Adam', `${name}/m`);
      const v = exclusiveOffset(backend, state.accumulatedSecondMoment[i].variable, 'Adam', `${name}/v`);
      const g = heapOffset(backend, gradient, 'Adam', `gradient of ${name}`);
      // Scalars as tfjs makes them: JS numbers (1 − β in double) stored as float32 scalars;
      // the wasm call's f32 parameters round them the same way.
      writeWeights(backend, value, 'Adam', (w, wOut) => kernels.adam_update(
        w, wOut, g, m, v, value.size, this.beta1, 1 - this.beta1, this.beta2, 1 - this.beta2,
        oneMinusAccBeta1, oneMinusAccBeta2, this.epsilon, -this.learningRate,
      ));
    });
    accBeta1.set(Math.fround(accBeta1.value * Math.fround(this.beta1)));
    accBeta2.set(Math.fround(accBeta2.value * Math.fround(this.beta2)));
    this.incrementIterations();
  }
}

/** Drop-in for tf.train.adam: same defaults, fused on wasm. */
export function fusedAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null): FusedAdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon as number);
}
