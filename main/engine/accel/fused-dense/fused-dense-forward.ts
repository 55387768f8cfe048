// The training forward pass of a model made only of Flatten and Dense layers (the MLP, or
// a Dense head on cached features), as one tf.customGrad node on the wasm backend.
// Why: model.apply under gradient recording issues ~7 tfjs kernels per Dense layer forward
// (product, bias add, activation, plus Identity copies the tape saves) and ~8 backward
// (Step/Cast/Multiply for relu, Reshape/Sum/Reshape for the bias, two products); at batch 64
// the MLP's step was dominated by that per-kernel overhead. Here each layer's forward is one
// _FusedMatMul (main/engine/accel/kernels/fused-matmul-wasm.ts) and its backward the products, one
// bias sum and a relu mask. Same float32 operations as the stock layers (sums may be taken
// in another order: results agree within 1e-5). Models with anything else return undefined,
// and the caller keeps model.apply.
import * as tf from '@tensorflow/tfjs';
import { linearLayerChain } from '../../model/layer-stack';
import { reluBackward } from '../kernels/relu-backward-wasm';

export type DenseActivation = 'linear' | 'relu' | 'softmax';

export interface DenseStep {
  name: string;
  /** Kernel shape [inputs, units]. */
  inputs: number;
  units: number;
  hasBias: boolean;
  trainable: boolean;
  /** The layer's weights, read at every call (restoring a checkpoint may replace them). */
  weights: () => { kernel: tf.Variable; bias?: tf.Variable };
  activation: DenseActivation;
}

interface LayerWithWeights {
  name: string;
  trainable: boolean;
  kernel?: { read(): tf.Tensor; shape: number[] };
  bias?: { read(): tf.Tensor } | null;
  activation?: { getClassName(): string };
  getConfig(): tf.serialization.ConfigDict;
}

const activations: Record<string, DenseStep['activation']> = { linear: 'linear', relu: 'relu', softmax: 'softmax' };

/** A Dense layer as a step (linear, relu or softmax; no regularisers), else undefined. */
export function denseStep(layer: tf.layers.Layer): DenseStep | undefined {
  const dense = layer as unknown as LayerWithWeights;
  const config = dense.getConfig();
  if (config.kernelRegularizer != null || config.biasRegularizer != null || config.activityRegularizer != null) return undefined;
  const activation = activations[dense.activation?.getClassName() ?? ''];
  if (activation === undefined || dense.kernel === undefined) return undefined;
  const { kernel, bias } = dense;
  const [inputs, units] = kernel.shape;
  return {
    name: dense.name,
    inputs,
    units,
    hasBias: bias != null,
    trainable: dense.trainable,
    weights: () => ({ kernel: kernel.read() as tf.Variable, bias: bias?.read() as tf.Variable | undefined }),
    activation,
  };
}

/** The Dense steps of `model` when it is plain Flatten/Dense layers on rank-2 activations, else undefined. */
export function denseSteps(model: tf.LayersModel): DenseStep[] | undefined {
  // A single chain, each layer applied once in it. Its layers may also be applied in another
  // model (a Dense head cut from a full model to train on cached features shares its layers).
  const chain = linearLayerChain(model);
  if (chain === null) return undefined;
  const steps: DenseStep[] = [];
  let flat = model.inputs[0].shape.length === 2;
  for (const layer of chain) {
    const name = layer.getClassName();
    if (name === 'Flatten') {
      flat = true;
      continue;
    }
    const step = name === 'Dense' && flat ? denseStep(layer) : undefined;
    if (step === undefined) return undefined;
    steps.push(step);
  }
  const last = steps.length - 1;
  if (last < 0 || steps.some((s, i) => s.activation === 'softmax' && i !== last)) return undefined;
  if (model.outputs.length !== 1 || model.outputs[0].shape.length !== 2) return undefined;
  return steps;
}

/** One Dense layer's training forward: a _FusedMatMul (bias, relu), then softmax if asked. */
export function denseForward(h: tf.Tensor2D, step: DenseStep, kernel: tf.Variable, bias: tf.Variable | undefined): tf.Tensor2D {
  const fused = step.activation === 'relu' ? 'relu' : 'linear';
  const z = tf.engine().runKernel(tf._FusedMatMul, bias ? { a: h, b: kernel, bias } : { a: h, b: kernel },
    { transposeA: false, transposeB: false, activation: fused, leakyreluAlpha: 0 } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  return step.activation === 'softmax' ? tf.softmax(z) : z;
}

/** dL/dz from dL/dy through the activation, given the activation's output y (as tfjs's gradients compute it). */
export function activationBackward(dy: tf.Tensor2D, y: tf.Tensor2D, activation: DenseStep['activation']): tf.Tensor2D {
  if (activation === 'linear') return dy;
  if (activation === 'relu') return reluBackward(dy, y);
  const dyTimesY = tf.mul(dy, y);
  return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, -1, true), y));
}

/**
 * A training forward for `model` computing the same values and gradients as
 * model.apply(xs, {training: true}) with far fewer kernel calls, or undefined when the model
 * is not plain Flatten/Dense layers. Only on the wasm backend; elsewhere it calls model.apply.
 */
export function fusedDenseForward(model: tf.LayersModel): ((xs: tf.Tensor) => tf.Tensor) | undefined {
  const steps = denseSteps(model);
  if (steps === undefined) return undefined;
  return (xs: tf.Tensor) => {
    if (tf.getBackend() !== 'wasm') return model.apply(xs, { training: true }) as tf.Tensor;
    const layerWeights = steps.map((s) => s.weights());
    const weights: tf.Variable[] = layerWeights.flatMap((w) => (w.bias ? [w.kernel, w.bias] : [w.kernel]));
    const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const save = args[args.length - 1] as tf.GradSaveFunc;
      const h0 = tf.reshape(xs, [xs.shape[0], -1]) as tf.Tensor2D;
      const outputs: tf.Tensor2D[] = [];
      let h = h0;
      for (const [i, step] of steps.entries()) {
        h = denseForward(h, step, layerWeights[i].kernel, layerWeights[i].bias);
        outputs.push(h);
      }
      // Saved: every layer's output (the next layer's input, and the activation's output).
      save(outputs);
      return {
        value: h,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const grads: tf.Tensor[] = [];
          let upstream = dy as tf.Tensor2D;
          for (let i = steps.length - 1; i >= 0; i--) {
            const step = steps[i];
            const dz = activationBackward(upstream, saved[i] as tf.Tensor2D, step.activation);
            const input = i === 0 ? tf.reshape(xs, [xs.shape[0], -1]) as tf.Tensor2D : saved[i - 1] as tf.Tensor2D;
            const layerGrads = [tf.matMul(input, dz, true, false)];
            if (layerWeights[i].bias) layerGrads.push(tf.sum(dz, 0));
            grads.unshift(...layerGrads);
            if (i > 0) upstream = tf.matMul(dz, layerWeights[i].kernel, false, true);
          }
          return grads;
        },
      };
    });
    return run(...weights);
  };
}
