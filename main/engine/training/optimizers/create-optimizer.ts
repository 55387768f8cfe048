// The optimizer a training spec names, fused where the engine has a fused one.
import * as tf from '@tensorflow/tfjs';
import type { TrainingSpec } from '@contract/spec';
import { fusedAdam } from './fused-adam';
import { fusedSgd } from './fused-sgd';
import { fusedRmsprop } from './fused-rmsprop';

/**
 * The spec's optimizer. Adam, SGD and RMSProp are tfjs's own with the per-variable update
 * fused into one wasm SIMD call on the wasm backend (this folder): same results
 * and checkpoint state, far fewer kernel calls per step.
 */
export function createOptimizer(training: Pick<TrainingSpec, 'optimizer' | 'learningRate'>): tf.Optimizer {
  const lr = training.learningRate;
  switch (training.optimizer) {
    case 'adam': return fusedAdam(lr);
    case 'sgd': return fusedSgd(lr);
    case 'rmsprop': return fusedRmsprop(lr);
    case 'adadelta': return tf.train.adadelta(lr);
  }
}
