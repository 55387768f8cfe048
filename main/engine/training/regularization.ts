// Regularisation of fine-tuning, as the extra loss term train.ts adds inside its gradient tape.
//
//  none   nothing.
//  l2     weight/2 · Σ‖w‖² over the trainable kernels and biases (plain weight decay).
//  l2-sp  α/2 · Σ‖w − w_source‖² over the trainable kernels and biases that came from the
//         source model, plus β/2 · Σ‖w‖² over those of new layers (a replaced head):
//         "Explicit Inductive Bias for Transfer Learning with Convolutional Networks",
//         Li, Grandvalet & Davoine, ICML 2018. The source values are a snapshot taken right
//         after transfer, before the first fine-tuning step.
//
// Only kernels and biases are penalised, not batch-norm gamma/beta: pulling a scale (gamma)
// towards zero is not a sensible prior, and Keras's kernel/bias regularisers draw the same line.
// Frozen weights are left out as well: their gradient is never applied, so they add only cost.
import * as tf from '@tensorflow/tfjs';
import type { RegularizationSpec } from '@contract/spec';
import { weightKey } from '../model/weights-snapshot';

/** One weight's share of a penalty: coefficient/2 · ‖w − reference‖² (reference 0 when absent). */
export interface PenaltyTerm {
  weight: tf.LayerVariable;
  coefficient: number;
  reference?: Float32Array;
}

export interface Penalty {
  /** The penalty's value for the model's current weights; call inside the gradient tape. */
  value: () => tf.Scalar;
  /** The same penalty as terms, for trainers that compute it themselves (the dense trainer). */
  terms: PenaltyTerm[];
  /** A line for the run's notes, e.g. "L2-SP: α=0.01 on 4 source weights, β=0.001 on 2 new weights". */
  description: string;
  /** Frees the source-weight tensors. */
  dispose: () => void;
}

export interface PenaltyContext {
  /** Weight values right after transfer (getWeightsSnapshot), by weightKey. Needed for l2-sp. */
  source?: ReadonlyMap<string, Float32Array>;
  /** Layers that did not come from the source (e.g. ['head'] when the head was replaced). */
  newLayers?: readonly string[];
}

/** True for the weights regularisation applies to: kernels and biases (not batch-norm gamma/beta or statistics). */
export function isKernelOrBias(weight: tf.LayerVariable): boolean {
  return /(^|\/|_)(kernel|bias)$/.test(weightKey(weight));
}

function layerOf(weight: tf.LayerVariable): string {
  const key = weightKey(weight);
  const slash = key.lastIndexOf('/');
  return slash < 0 ? key : key.slice(0, slash);
}

/** Σ‖t‖² over the tensors, as a scalar (0 for none). */
function sumOfSquares(tensors: tf.Tensor[]): tf.Scalar {
  return tensors.reduce<tf.Scalar>((sum, t) => sum.add(t.square().sum()), tf.scalar(0));
}

/**
 * The penalty for `spec` on `model`'s trainable kernels and biases, or undefined when it adds
 * nothing (kind 'none', or all weights zero). Throws when l2-sp is asked for without a source
 * snapshot, or when the snapshot's shape for a weight does not match the model's.
 */
export function createPenalty(model: tf.LayersModel, spec: RegularizationSpec, context: PenaltyContext = {}): Penalty | undefined {
  const weights = model.trainableWeights.filter(isKernelOrBias);
  if (spec.kind === 'none') return undefined;
  if (spec.kind === 'l2') {
    if (spec.weight === 0 || weights.length === 0) return undefined;
    const half = spec.weight / 2;
    return {
      value: () => sumOfSquares(weights.map((w) => w.read())).mul(half),
      terms: weights.map((weight) => ({ weight, coefficient: spec.weight })),
      description: `L2: weight ${spec.weight} on ${weights.length} trainable kernels and biases`,
      dispose: () => {},
    };
  }
  if (!context.source) throw new Error('regularization l2-sp needs the source weights snapshot (taken right after transfer)');
  const newLayers = new Set(context.newLayers ?? []);
  const fromSource: { weight: tf.LayerVariable; start: tf.Tensor; values: Float32Array }[] = [];
  const fresh: tf.LayerVariable[] = [];
  for (const weight of weights) {
    const start = newLayers.has(layerOf(weight)) ? undefined : context.source.get(weightKey(weight));
    if (!start) {
      fresh.push(weight);
      continue;
    }
    const shape = weight.read().shape;
    if (start.length !== tf.util.sizeFromShape(shape)) {
      throw new Error(`regularization l2-sp: source weight ${weightKey(weight)} has ${start.length} values, the model's has shape [${shape.join(', ')}]`);
    }
    fromSource.push({ weight, start: tf.tensor(start, shape), values: start });
  }
  const halfAlpha = spec.alpha / 2;
  const halfBeta = spec.beta / 2;
  return {
    value: () => {
      const towardSource = sumOfSquares(fromSource.map(({ weight, start }) => weight.read().sub(start))).mul(halfAlpha);
      const onNew = sumOfSquares(fresh.map((w) => w.read())).mul(halfBeta);
      return towardSource.add(onNew);
    },
    terms: [
      ...fromSource.map(({ weight, values }) => ({ weight, coefficient: spec.alpha, reference: values })),
      ...fresh.map((weight) => ({ weight, coefficient: spec.beta })),
    ],
    description: `L2-SP: α=${spec.alpha} toward the source on ${fromSource.length} transferred kernels/biases, β=${spec.beta} on ${fresh.length} new ones`,
    dispose: () => {
      for (const { start } of fromSource) start.dispose();
    },
  };
}
