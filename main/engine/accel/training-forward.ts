// The forward pass a training step records gradients through: one fused tf.customGrad node
// for the model shapes that have one (Flatten/Dense stacks, Conv2D/MaxPool/Dense chains),
// otherwise model.apply in training mode. Same values and gradients either way (within
// float rounding); the fused ones only issue far fewer kernels on the wasm backend.
import type * as tf from '@tensorflow/tfjs';
import { fusedChainForward } from './fused-chain';
import { fusedDenseForward } from './fused-dense';

export function trainingForward(model: tf.LayersModel): (xs: tf.Tensor) => tf.Tensor {
  return fusedDenseForward(model) ?? fusedChainForward(model) ?? ((xs: tf.Tensor) => model.apply(xs, { training: true }) as tf.Tensor);
}
