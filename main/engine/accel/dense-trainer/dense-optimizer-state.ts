// Moves optimizer state between a tfjs optimizer (what checkpoints save and restore, via
// getWeights/setWeights) and the dense trainer's flat buffers. The dense trainer updates
// weights itself, but a run must checkpoint, resume and continue exactly as with the tfjs
// path, so the tfjs optimizer stays the owner of record: its state is read when training
// starts and written back whenever the model is synchronised (every epoch end).
//
// tfjs keeps this state in private fields, indexed by the position of each variable in the
// trainable list (the same fields the fused optimizers in ../optimizers use).
import * as tf from '@tensorflow/tfjs';
import type { DenseOptimizerConfig } from './dense-layout';

interface StateSlot {
  originalName: string;
  variable: tf.Variable;
}

interface OptimizerFields {
  learningRate: number;
  iterations_: number;
  // Adam
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
  accumulatedFirstMoment?: StateSlot[];
  accumulatedSecondMoment?: StateSlot[];
  // RMSProp
  decay?: number;
  momentum?: number;
  centered?: boolean;
  accumulatedMeanSquares?: StateSlot[];
  accumulatedMoments?: StateSlot[];
}

/** The dense trainer's configuration for `optimizer`, or why it cannot take it. */
export function denseOptimizerConfig(optimizer: tf.Optimizer): DenseOptimizerConfig | { reason: string } {
  const o = optimizer as unknown as OptimizerFields;
  const base = { learningRate: o.learningRate, beta1: 0, beta2: 0, epsilon: 0, decay: 0, momentum: 0 };
  // By class name: tfjs's optimizer classes answer instanceof for any optimizer (Symbol.hasInstance).
  const name = optimizer.getClassName();
  if (name === 'Adam') return { ...base, name: 'adam', beta1: o.beta1!, beta2: o.beta2!, epsilon: o.epsilon! };
  if (name === 'RMSProp') {
    if (o.centered) return { reason: 'centered RMSProp is not supported by the dense trainer' };
    return { ...base, name: 'rmsprop', decay: o.decay!, momentum: o.momentum!, epsilon: o.epsilon! };
  }
  if (name === 'SGD') return { ...base, name: 'sgd' };
  return { reason: `the ${optimizer.getClassName()} optimizer is not supported by the dense trainer` };
}

/** The two per-variable state lists of an optimizer (none for SGD), with their name suffixes. */
function stateLists(o: OptimizerFields, name: DenseOptimizerConfig['name']): { list: StateSlot[]; suffix: string }[] {
  if (name === 'adam') return [{ list: (o.accumulatedFirstMoment ??= []), suffix: 'm' }, { list: (o.accumulatedSecondMoment ??= []), suffix: 'v' }];
  if (name === 'rmsprop') return [{ list: (o.accumulatedMeanSquares ??= []), suffix: 'rms' }, { list: (o.accumulatedMoments ??= []), suffix: 'momentum' }];
  return [];
}

/** Where each trainable variable's state lives in the flat state buffers (float index, size). */
export interface StatePlacement {
  variable: tf.Variable;
  offset: number;
}

export interface AdamPowers {
  accBeta1: number;
  accBeta2: number;
}

/**
 * Copies the optimizer's state into `state` (two flat float arrays over the trainable
 * weights; zero where the optimizer has none yet). Returns Adam's accumulated β powers.
 */
export function readOptimizerInto(optimizer: tf.Optimizer, config: DenseOptimizerConfig, placements: StatePlacement[], state: [Float32Array, Float32Array]): AdamPowers {
  const o = optimizer as unknown as OptimizerFields;
  stateLists(o, config.name).forEach(({ list, suffix }, k) => {
    placements.forEach((p, i) => {
      const slot = list[i];
      const target = state[k].subarray(p.offset, p.offset + p.variable.size);
      if (slot === undefined) {
        target.fill(0);
        return;
      }
      if (slot.variable.size !== p.variable.size) {
        throw new Error(`optimizer state '${slot.originalName}' has ${slot.variable.size} values but weight '${p.variable.name}' has ${p.variable.size}; it is not this weight's ${suffix}`);
      }
      target.set(slot.variable.dataSync() as Float32Array);
    });
  });
  return {
    accBeta1: o.accBeta1 ? o.accBeta1.dataSync()[0] : 0,
    accBeta2: o.accBeta2 ? o.accBeta2.dataSync()[0] : 0,
  };
}

/** Writes the flat state back into the optimizer's variables, with the step count and β powers. */
export function writeOptimizerFrom(
  optimizer: tf.Optimizer,
  config: DenseOptimizerConfig,
  placements: StatePlacement[],
  state: [Float32Array, Float32Array],
  iterations: number,
  powers: AdamPowers,
): void {
  const o = optimizer as unknown as OptimizerFields;
  stateLists(o, config.name).forEach(({ list, suffix }, k) => {
    placements.forEach((p, i) => {
      const values = tf.tensor(state[k].slice(p.offset, p.offset + p.variable.size), p.variable.shape);
      if (list[i] === undefined) list[i] = { originalName: `${p.variable.name}/${suffix}`, variable: values.variable(false) };
      else list[i].variable.assign(values);
      values.dispose();
    });
  });
  if (config.name === 'adam') {
    tf.tidy(() => {
      o.accBeta1!.assign(tf.scalar(powers.accBeta1));
      o.accBeta2!.assign(tf.scalar(powers.accBeta2));
    });
  }
  o.iterations_ = iterations;
}
