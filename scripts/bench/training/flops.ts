// Floating-point operations of one training step per sample, counted from the model's
// Conv2D and Dense layers (multiply and add counted separately). Back-propagation costs a
// filter gradient and, except for the first layer (whose input needs no gradient), an input
// gradient, each as large as the forward product. Element-wise work is left out, so the
// figure is the usual lower bound that GFLOP/s comparisons use.
import type * as tf from '@tensorflow/tfjs';

export function trainingFlopsPerSample(model: tf.LayersModel): number {
  let total = 0;
  let first = true;
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className !== 'Conv2D' && className !== 'Dense') continue;
    const kernel = layer.getWeights()[0];
    const outShape = (layer.outputShape as number[]).slice(1);
    const outPositions = outShape.slice(0, -1).reduce((a, b) => a * b, 1);
    // kernel: Conv2D [kh, kw, ci, co]; Dense [in, out]: per output position, 2·(all but co)·co.
    const forward = 2 * outPositions * kernel.size;
    total += forward * (first ? 2 : 3);
    first = false;
  }
  return total;
}
