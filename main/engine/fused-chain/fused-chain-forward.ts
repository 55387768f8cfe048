// The training forward pass of a Conv2D/MaxPool/Flatten/Dense chain (chain-steps.ts) as one
// tf.customGrad node on the wasm backend.
// Why: under gradient recording model.apply runs each convolution as Conv2D, Add (bias) and
// Relu, and the tape keeps Identity copies of activations the size of the whole batch's
// feature maps; the relu's gradient adds Step, Cast and Multiply. Profiled on seed-cnn
// (batch 64, 32×32×3) those elementwise passes over 7 MB activations took ~10 of a 26 ms step.
// Here a convolution is one FusedConv2D (bias and relu inside XNNPACK's kernel), its backward
// one C relu mask, the bias sum and the two convolution gradients; pooling and Dense layers
// as in the stock graph. Only trainable weights are inputs, and the backward pass stops at the
// first trainable layer. Same float32 operations up to summation order: results agree within
// 1e-5.
import * as tf from '@tensorflow/tfjs';
import { activationBackward, denseForward } from '../fused-dense';
import { reluBackward } from '../kernels/relu-backward-wasm';
import { chainSteps, type ChainStep, type ConvStep, type PoolStep } from './chain-steps';

type Weights = { kernel: tf.Variable; bias?: tf.Variable };

function forwardStep(h: tf.Tensor, step: ChainStep, w: Weights | undefined): tf.Tensor {
  switch (step.kind) {
    case 'conv':
      // The kernel itself: tf.fused.conv2d unfuses while gradients are recorded.
      return tf.engine().runKernel(tf.FusedConv2D, w!.bias ? { x: h, filter: w!.kernel, bias: w!.bias } : { x: h, filter: w!.kernel }, {
        strides: step.strides,
        pad: step.padding,
        dataFormat: 'NHWC',
        dilations: [1, 1],
        dimRoundingMode: undefined,
        activation: step.relu ? 'relu' : 'linear',
        leakyreluAlpha: 0,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
    case 'pool':
      return tf.maxPool(h as tf.Tensor4D, step.poolSize, step.strides, step.padding);
    case 'flatten':
      return tf.reshape(h, [h.shape[0], -1]);
    case 'dense':
      return denseForward(h as tf.Tensor2D, step, w!.kernel, w!.bias);
  }
}

function poolBackward(dy: tf.Tensor, input: tf.Tensor, output: tf.Tensor, step: PoolStep): tf.Tensor {
  return tf.engine().runKernel(tf.MaxPoolGrad, { dy, input, output },
    { filterSize: step.poolSize, strides: step.strides, pad: step.padding } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** Gradients of a convolution: [dKernel, dBias?] when trainable, and d(input) when asked. */
function convBackward(dy: tf.Tensor, input: tf.Tensor, output: tf.Tensor, step: ConvStep, w: Weights, needInput: boolean) {
  const dz = step.relu ? reluBackward(dy, output) : dy;
  const attrs = { strides: step.strides, pad: step.padding, dataFormat: 'NHWC', dimRoundingMode: undefined };
  const grads: tf.Tensor[] = [];
  if (step.trainable) {
    grads.push(tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: input, dy: dz }, { ...attrs, filterShape: w.kernel.shape } as unknown as tf.NamedAttrMap) as tf.Tensor);
    if (w.bias) grads.push(tf.sum(dz, [0, 1, 2]));
  }
  const dInput = needInput
    ? tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dz, filter: w.kernel }, { ...attrs, inputShape: input.shape } as unknown as tf.NamedAttrMap) as tf.Tensor
    : undefined;
  return { grads, dInput };
}

/**
 * A training forward for `model` computing the values and gradients of
 * model.apply(xs, {training: true}) with far fewer kernel calls and activation copies, or
 * undefined when the model is not such a chain. Only on the wasm backend; elsewhere it calls
 * model.apply.
 */
export function fusedChainForward(model: tf.LayersModel): ((xs: tf.Tensor) => tf.Tensor) | undefined {
  const steps = chainSteps(model);
  if (steps === undefined) return undefined;
  const firstTrainable = steps.findIndex((s) => (s.kind === 'conv' || s.kind === 'dense') && s.trainable);
  if (firstTrainable < 0) return undefined;
  return (xs: tf.Tensor) => {
    if (tf.getBackend() !== 'wasm') return model.apply(xs, { training: true }) as tf.Tensor;
    const weights = steps.map((s) => (s.kind === 'conv' || s.kind === 'dense' ? s.weights() : undefined));
    // Inputs of the node: the trainable weights only, in step order (kernel, then bias).
    const inputs: tf.Variable[] = [];
    steps.forEach((s, i) => {
      if ((s.kind === 'conv' || s.kind === 'dense') && s.trainable) inputs.push(...[weights[i]!.kernel, weights[i]!.bias].filter((v): v is tf.Variable => v !== undefined));
    });
    const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const save = args[args.length - 1] as tf.GradSaveFunc;
      const outputs: tf.Tensor[] = [];
      let h = xs;
      steps.forEach((step, i) => {
        h = forwardStep(h, step, weights[i]);
        outputs.push(h);
      });
      // Saved: every step's output (the next step's input, and what the activations need).
      save(outputs);
      return {
        value: h,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const grads: tf.Tensor[] = [];
          let upstream = dy;
          for (let i = steps.length - 1; i >= firstTrainable; i--) {
            const step = steps[i];
            const input = i === 0 ? xs : saved[i - 1];
            const needInput = i > firstTrainable;
            if (step.kind === 'dense') {
              const dz = activationBackward(upstream as tf.Tensor2D, saved[i] as tf.Tensor2D, step.activation);
              const w = weights[i]!;
              if (step.trainable) grads.unshift(...[tf.matMul(input as tf.Tensor2D, dz, true, false), ...(w.bias ? [tf.sum(dz, 0)] : [])]);
              if (needInput) upstream = tf.matMul(dz, w.kernel, false, true);
            } else if (step.kind === 'conv') {
              const result = convBackward(upstream, input, saved[i], step, weights[i]!, needInput);
              grads.unshift(...result.grads);
              if (result.dInput) upstream = result.dInput;
            } else if (step.kind === 'pool') {
              upstream = poolBackward(upstream, input, saved[i], step);
            } else {
              upstream = tf.reshape(upstream, input.shape);
            }
          }
          return grads;
        },
      };
    });
    return run(...inputs);
  };
}
