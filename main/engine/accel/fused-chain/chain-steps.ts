// Which models the fused chain forward covers, as a list of steps: a single chain of Conv2D
// (relu or linear, NHWC, dilation 1), BatchNormalization over channels (a ReLU layer right
// after it is folded in; frozen ones run in inference mode, as Keras and this engine do),
// ReLU, MaxPooling2D, Dropout, Flatten and Dense layers, with at least one convolution — both
// built-in CNNs (seed-cnn, small-cnn) and the like. Anything else (other activations,
// regularisers) returns undefined and the caller keeps model.apply.
import * as tf from '@tensorflow/tfjs';
import { denseStep, type DenseStep } from '../fused-dense';
import { linearLayerChain } from '../../model/layer-stack';

type Padding = 'valid' | 'same';

export interface ConvStep {
  kind: 'conv';
  name: string;
  trainable: boolean;
  relu: boolean;
  strides: [number, number];
  padding: Padding;
  weights: () => { kernel: tf.Variable; bias?: tf.Variable };
}

export interface PoolStep {
  kind: 'pool';
  poolSize: [number, number];
  strides: [number, number];
  padding: Padding;
}

/**
 * BatchNormalization, optionally followed by a relu: in training mode (batch statistics) when
 * trainable, in inference mode (moving statistics, no update, no weight gradients) when frozen.
 */
export interface BatchNormStep {
  kind: 'batchnorm';
  name: string;
  trainable: boolean;
  epsilon: number;
  momentum: number;
  relu: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

export interface DropoutStep {
  kind: 'dropout';
  rate: number;
  seed?: number;
}

export type ChainStep =
  | ConvStep
  | PoolStep
  | BatchNormStep
  | DropoutStep
  | { kind: 'relu' }
  | { kind: 'flatten' }
  | ({ kind: 'dense' } & DenseStep);

interface ConvLayer {
  name: string;
  trainable: boolean;
  kernel?: { read(): tf.Tensor };
  bias?: { read(): tf.Tensor } | null;
  getConfig(): tf.serialization.ConfigDict;
}

const pair = (v: unknown): [number, number] | undefined => {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0], v[1]];
  return undefined;
};

function convStep(layer: tf.layers.Layer): ConvStep | undefined {
  const conv = layer as unknown as ConvLayer;
  const c = conv.getConfig();
  if (c.dataFormat !== 'channelsLast' || c.kernelRegularizer != null || c.biasRegularizer != null || c.activityRegularizer != null) return undefined;
  const dilation = pair(c.dilationRate);
  const strides = pair(c.strides);
  if (!dilation || dilation[0] !== 1 || dilation[1] !== 1 || !strides) return undefined;
  if (c.activation !== 'relu' && c.activation !== 'linear') return undefined;
  if (c.padding !== 'valid' && c.padding !== 'same') return undefined;
  const { kernel, bias } = conv;
  if (kernel === undefined) return undefined;
  return {
    kind: 'conv',
    name: conv.name,
    trainable: conv.trainable,
    relu: c.activation === 'relu',
    strides,
    padding: c.padding,
    weights: () => ({ kernel: kernel.read() as tf.Variable, bias: bias?.read() as tf.Variable | undefined }),
  };
}

function poolStep(layer: tf.layers.Layer): PoolStep | undefined {
  const c = layer.getConfig();
  const poolSize = pair(c.poolSize);
  const strides = pair(c.strides ?? c.poolSize);
  if (!poolSize || !strides || c.dataFormat !== 'channelsLast') return undefined;
  if (c.padding !== 'valid' && c.padding !== 'same') return undefined;
  return { kind: 'pool', poolSize, strides, padding: c.padding };
}

interface BatchNormLayer {
  name: string;
  trainable: boolean;
  gamma?: tf.LayerVariable;
  beta?: tf.LayerVariable;
  movingMean?: tf.LayerVariable;
  movingVariance?: tf.LayerVariable;
  getConfig(): tf.serialization.ConfigDict;
}

function batchNormStep(layer: tf.layers.Layer, rank: number): BatchNormStep | undefined {
  const bn = layer as unknown as BatchNormLayer;
  const c = bn.getConfig();
  const axis = c.axis as number;
  if (!(axis === -1 || axis === rank - 1) || c.gammaRegularizer != null || c.betaRegularizer != null) return undefined;
  const { gamma, beta, movingMean, movingVariance } = bn;
  if (!gamma || !beta || !movingMean || !movingVariance) return undefined;
  return { kind: 'batchnorm', name: bn.name, trainable: bn.trainable, epsilon: c.epsilon as number, momentum: c.momentum as number, relu: false, gamma, beta, movingMean, movingVariance };
}

function dropoutStep(layer: tf.layers.Layer): DropoutStep | undefined {
  const c = layer.getConfig();
  if (c.noiseShape != null) return undefined;
  return { kind: 'dropout', rate: c.rate as number, seed: (c.seed as number | undefined) ?? undefined };
}

/** The chain's steps, or undefined when the model is not such a chain ending in a softmax Dense layer. */
export function chainSteps(model: tf.LayersModel): ChainStep[] | undefined {
  const chain = linearLayerChain(model);
  if (chain === null || model.inputs[0].shape.length !== 4) return undefined;
  const steps: ChainStep[] = [];
  let flat = false;
  for (const layer of chain) {
    const name = layer.getClassName();
    let step: ChainStep | undefined;
    if (name === 'Conv2D' && !flat) step = convStep(layer);
    else if (name === 'MaxPooling2D' && !flat) step = poolStep(layer);
    else if (name === 'BatchNormalization' && !flat) step = batchNormStep(layer, 4);
    else if (name === 'ReLU' && layer.getConfig().maxValue == null) step = { kind: 'relu' };
    else if (name === 'Dropout') step = dropoutStep(layer);
    else if (name === 'Flatten') step = { kind: 'flatten' };
    else if (name === 'Dense' && flat) {
      const dense = denseStep(layer);
      step = dense && { kind: 'dense', ...dense };
    }
    if (step === undefined) return undefined;
    if (step.kind === 'flatten') flat = true;
    const previous = steps[steps.length - 1];
    // A relu right after batch normalisation is applied in the same pass.
    if (step.kind === 'relu' && previous?.kind === 'batchnorm' && !previous.relu) previous.relu = true;
    else steps.push(step);
  }
  const last = steps[steps.length - 1];
  if (!steps.some((s) => s.kind === 'conv') || last?.kind !== 'dense' || last.activation !== 'softmax') return undefined;
  if (steps.some((s, i) => s.kind === 'dense' && s.activation === 'softmax' && i !== steps.length - 1)) return undefined;
  return steps;
}
