// Which models the fused chain forward covers, as a list of steps: a single chain of Conv2D
// (relu or linear, NHWC, dilation 1), MaxPooling2D, Flatten and Dense layers with at least one
// convolution — the reference article's network (seed-cnn) and the like. Anything else
// (batch normalisation, dropout, other activations, regularisers) returns undefined and the
// caller keeps model.apply.
import * as tf from '@tensorflow/tfjs';
import { denseStep, type DenseStep } from '../fused-dense';
import { linearLayerChain } from '../models/layer-stack';

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

export type ChainStep = ConvStep | PoolStep | { kind: 'flatten' } | ({ kind: 'dense' } & DenseStep);

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
    else if (name === 'Flatten') step = { kind: 'flatten' };
    else if (name === 'Dense' && flat) {
      const dense = denseStep(layer);
      step = dense && { kind: 'dense', ...dense };
    }
    if (step === undefined) return undefined;
    if (step.kind === 'flatten') flat = true;
    steps.push(step);
  }
  const last = steps[steps.length - 1];
  if (!steps.some((s) => s.kind === 'conv') || last?.kind !== 'dense' || last.activation !== 'softmax') return undefined;
  if (steps.some((s, i) => s.kind === 'dense' && s.activation === 'softmax' && i !== steps.length - 1)) return undefined;
  return steps;
}
