// Inference (model.predict's values) for a chain of layers with each convolution's batch
// normalisation folded into its weights and its activation fused into the same kernel.
// Why: a frozen MobileNet runs Conv → BatchNorm → ReLU6 thirteen times; model.predict runs
// each as its own kernel, so every feature map is written and read three times. With the
// moving statistics fixed (inference), BatchNorm is a per-channel scale and shift that can be
// folded into the convolution's kernel and bias, and ReLU/ReLU6 fused into FusedConv2D /
// FusedDepthwiseConv2D (XNNPACK clamps in its kernel on wasm): one pass per block. The feature
// pass and the evaluation, which only run a model forward, use it.
//
// Same float32 arithmetic up to rounding: kernel × scale is computed once instead of
// (conv) × scale per element (tests compare with model.predict). Models that are not a chain,
// or layers it does not know, run as they are (layer.apply in inference mode), so the result
// never depends on what was folded.
import * as tf from '@tensorflow/tfjs';
import { linearLayerChain } from '../model/layer-stack';

type Layer = tf.layers.Layer;
type Activation = 'linear' | 'relu' | 'relu6';

export interface InferenceForward {
  /** model.predict(x)'s values. Call inside tf.tidy or dispose the result. */
  forward(x: tf.Tensor): tf.Tensor;
  /** Convolutions whose batch normalisation (and activation) were folded in. */
  readonly folded: number;
  /** Frees the folded weights. */
  dispose(): void;
}

interface FoldedConv {
  kind: 'conv' | 'depthwise';
  filter: tf.Tensor4D;
  bias?: tf.Tensor1D;
  strides: [number, number];
  pad: 'valid' | 'same';
  dilations: [number, number];
  activation: Activation;
}

type Step = { kind: 'layer'; layer: Layer } | FoldedConv;

export function inferenceForward(model: tf.LayersModel): InferenceForward {
  const layers = linearLayerChain(model);
  const plain: InferenceForward = { forward: (x) => model.predict(x) as tf.Tensor, folded: 0, dispose: () => {} };
  if (layers === null) return plain;
  const steps: Step[] = [];
  for (let i = 0; i < layers.length; i++) {
    const fold = foldConvolution(layers, i);
    if (fold === undefined) {
      if (layers[i].getClassName() !== 'InputLayer') steps.push({ kind: 'layer', layer: layers[i] });
      continue;
    }
    steps.push(fold.step);
    i += fold.consumed - 1;
  }
  const folded = steps.filter((s) => s.kind !== 'layer') as FoldedConv[];
  if (folded.length === 0) return plain;
  return {
    folded: folded.length,
    forward: (x) =>
      tf.tidy(() => {
        let h = x;
        for (const step of steps) h = runStep(step, h);
        return h;
      }),
    dispose: () => {
      for (const f of folded) tf.dispose([f.filter, ...(f.bias ? [f.bias] : [])]);
    },
  };
}

function runStep(step: Step, x: tf.Tensor): tf.Tensor {
  if (step.kind === 'layer') return step.layer.apply(x, { training: false }) as tf.Tensor;
  const args = { x: x as tf.Tensor4D, filter: step.filter, strides: step.strides, pad: step.pad, dilations: step.dilations, bias: step.bias, activation: step.activation };
  return step.kind === 'conv' ? tf.fused.conv2d(args) : tf.fused.depthwiseConv2d(args);
}

const pair = (v: unknown): [number, number] | undefined => {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number')) return [v[0], v[1]];
  return undefined;
};

/** The activation a ReLU or Activation layer computes, if it is one that fuses. */
function activationOf(layer: Layer | undefined): Activation | undefined {
  if (layer === undefined) return undefined;
  const c = layer.getConfig();
  if (layer.getClassName() === 'ReLU') {
    if (c.maxValue == null) return 'relu';
    if (c.maxValue === 6) return 'relu6';
    return undefined;
  }
  if (layer.getClassName() === 'Activation' && (c.activation === 'relu' || c.activation === 'relu6')) return c.activation;
  return undefined;
}

/**
 * layers[i] as a folded convolution — Conv2D or DepthwiseConv2D (NHWC, linear, or relu/relu6
 * of its own when no BatchNormalization follows), the BatchNormalization over channels after
 * it, and a ReLU/ReLU6 after that — with how many layers it took; undefined when it is not one.
 */
function foldConvolution(layers: Layer[], i: number): { step: FoldedConv; consumed: number } | undefined {
  const layer = layers[i];
  const kind = layer.getClassName() === 'Conv2D' ? 'conv' : layer.getClassName() === 'DepthwiseConv2D' ? 'depthwise' : undefined;
  if (kind === undefined) return undefined;
  const c = layer.getConfig();
  const strides = pair(c.strides);
  const dilations = pair(c.dilationRate) ?? [1, 1];
  if (c.dataFormat !== 'channelsLast' || strides === undefined || (c.padding !== 'same' && c.padding !== 'valid')) return undefined;
  if (kind === 'depthwise' && (dilations[0] !== 1 || dilations[1] !== 1)) return undefined;
  const own = c.activation === 'linear' ? 'linear' : c.activation === 'relu' || c.activation === 'relu6' ? (c.activation as Activation) : undefined;
  if (own === undefined) return undefined;
  const weights = layer.getWeights();
  const kernel = weights[0] as tf.Tensor4D;
  const bias = c.useBias ? (weights[1] as tf.Tensor1D) : undefined;
  const base = { kind, strides, pad: c.padding, dilations } as const;

  const norm = own === 'linear' ? batchNormScaleShift(layers[i + 1]) : undefined;
  if (norm === undefined) {
    // No batch normalisation to fold: the convolution with its own bias and activation fused.
    const after = own === 'linear' ? activationOf(layers[i + 1]) : undefined;
    return { step: { ...base, filter: tf.clone(kernel), bias: bias ? tf.clone(bias) : undefined, activation: after ?? own }, consumed: after ? 2 : 1 };
  }
  const activation = activationOf(layers[i + 2]);
  const step = tf.tidy(() => {
    // Output channel k of a Conv2D is kernel[..., k]; of a DepthwiseConv2D with multiplier m,
    // channel (c · m + j) is kernel[..., c, j]: reshaping the scale to the kernel's last two
    // axes lines both up.
    const [, , inChannels, last] = kernel.shape;
    const scale = kind === 'conv' ? norm.scale : norm.scale.reshape([inChannels, last]);
    const filter = tf.keep(kernel.mul(scale) as tf.Tensor4D);
    const shift = tf.keep(bias ? bias.mul(norm.scale).add(norm.shift) : norm.shift.clone()) as tf.Tensor1D;
    return { filter, shift };
  });
  norm.scale.dispose();
  norm.shift.dispose();
  return { step: { ...base, filter: step.filter, bias: step.shift, activation: activation ?? 'linear' }, consumed: activation ? 3 : 2 };
}

/**
 * A BatchNormalization over the last axis in inference mode as y = x · scale + shift:
 * scale = γ / √(var + ε), shift = β − mean · scale. Undefined for anything else.
 */
function batchNormScaleShift(layer: Layer | undefined): { scale: tf.Tensor1D; shift: tf.Tensor1D } | undefined {
  if (layer === undefined || layer.getClassName() !== 'BatchNormalization') return undefined;
  const c = layer.getConfig();
  const axis = c.axis;
  if (!(axis === -1 || axis === 3 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 3)))) return undefined;
  if (c.betaRegularizer != null || c.gammaRegularizer != null) return undefined;
  const byName = (suffix: string) => layer.weights.find((w) => w.originalName.endsWith(suffix))?.read();
  const mean = byName('moving_mean');
  const variance = byName('moving_variance');
  if (mean === undefined || variance === undefined) return undefined;
  const gamma = c.scale ? byName('gamma') : undefined;
  const beta = c.center ? byName('beta') : undefined;
  if ((c.scale && gamma === undefined) || (c.center && beta === undefined)) return undefined;
  return tf.tidy(() => {
    const inv = tf.rsqrt(variance.add(c.epsilon as number));
    const scale = (gamma ? gamma.mul(inv) : inv) as tf.Tensor1D;
    const shifted = mean.mul(scale).neg();
    const shift = (beta ? beta.add(shifted) : shifted) as tf.Tensor1D;
    return { scale: tf.keep(scale), shift: tf.keep(shift) };
  });
}
