// The training forward pass of a Conv2D/BatchNorm/ReLU/MaxPool/Dropout/Flatten/Dense chain
// (chain-steps.ts) as one tf.customGrad node on the wasm backend.
// Why: under gradient recording model.apply runs each convolution as Conv2D, Add (bias) and
// Relu, batch normalisation as ~10 kernels with ~20 more in its gradient, and the tape keeps
// Identity copies of activations the size of the whole batch's feature maps; those
// elementwise passes took much of a step (docs/benchmarks.md). Here a convolution is one FusedConv2D (bias and relu inside
// XNNPACK's kernel), batch normalisation (with a following relu) two C passes forward and two
// backward (chain-ops.ts, kernels/batch-norm-wasm.ts). Only trainable weights are inputs, and
// the backward pass stops at the first step with trainable weights. Same float32 operations up
// to summation order: values and gradients agree within 1e-5 of model.apply's.
//
// The activations the backward pass needs are kept (tf.keep) and released by it, rather than
// handed to customGrad's save(), which copies every saved tensor. So this forward must be
// differentiated once, as the training step does (optimizer.minimize / variableGrads).
import * as tf from '@tensorflow/tfjs';
import { backwardStep, forwardStep, stateTensors, stepWeights, type StepState } from './chain-ops';
import { chainSteps } from './chain-steps';

/**
 * A training forward for `model` computing the values and gradients of
 * model.apply(xs, {training: true}) with far fewer kernel calls and activation copies, or
 * undefined when the model is not such a chain. Only on the wasm backend; elsewhere it calls
 * model.apply.
 */
export function fusedChainForward(model: tf.LayersModel): ((xs: tf.Tensor) => tf.Tensor) | undefined {
  const steps = chainSteps(model);
  if (steps === undefined) return undefined;
  const firstTrainable = steps.findIndex((s) => stepWeights(s).length > 0);
  if (firstTrainable < 0) return undefined;
  return (xs: tf.Tensor) => {
    if (tf.getBackend() !== 'wasm') return model.apply(xs, { training: true }) as tf.Tensor;
    const inputs = steps.flatMap(stepWeights);
    const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const save = args[args.length - 1] as tf.GradSaveFunc;
      save([]);
      // Outside a gradient computation no backward pass will release kept tensors: keep none.
      const recording = (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth > 0;
      const outputs: tf.Tensor[] = [];
      const states: StepState[] = [];
      let h = xs;
      steps.forEach((step, i) => {
        const { y, state } = forwardStep(h, step);
        h = y;
        // Kept until the backward pass. The last output is the node's value, which the caller's
        // scope disposes before gradients are taken: the backward pass gets its own copy (small).
        outputs.push(recording ? tf.keep(i < steps.length - 1 ? y : tf.clone(y)) : y);
        states.push(state);
      });
      if (!recording) tf.dispose(states.flatMap(stateTensors));
      return {
        value: h,
        gradFunc: (dy: tf.Tensor) => {
          const grads: tf.Tensor[] = [];
          let upstream = dy;
          for (let i = steps.length - 1; i >= firstTrainable; i--) {
            const input = i === 0 ? xs : outputs[i - 1];
            const result = backwardStep(steps[i], upstream, input, outputs[i], states[i], i > firstTrainable);
            grads.unshift(...result.grads);
            if (result.dInput) upstream = result.dInput;
          }
          tf.dispose(outputs);
          tf.dispose(states.flatMap(stateTensors));
          return grads;
        },
      };
    });
    return run(...inputs);
  };
}
