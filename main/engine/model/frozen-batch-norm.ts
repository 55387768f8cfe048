// tfjs's BatchNormalization ignores `trainable`: when model.fit calls it with training=true it
// normalises with the batch's statistics and keeps updating its moving mean/variance, even
// when the layer is frozen (tfjs-layers 4.22, normalization.js `call`). Keras (since TF 2.0)
// runs a frozen BatchNormalization in inference mode instead, which is what fine-tuning needs:
// otherwise a frozen feature extractor's outputs drift with every target batch.
//
// We get the Keras behaviour by wrapping the `call` of each batchnorm layer instance so it
// sees training=false whenever the layer is not trainable. The check happens on each call, so
// unfreezing the layer later restores normal training behaviour. The layer's class and
// serialised config are untouched, so saved models stay plain tfjs layers models.
import * as tf from '@tensorflow/tfjs';

type Layer = tf.layers.Layer;
type CallArgs = Parameters<Layer['call']>;

const wrapped = new WeakSet<Layer>();

export function isBatchNormalization(layer: Layer): boolean {
  return layer.getClassName() === 'BatchNormalization';
}

/** Makes the layer run in inference mode while it is frozen; idempotent. */
export function runInInferenceModeWhenFrozen(layer: Layer): void {
  if (!isBatchNormalization(layer) || wrapped.has(layer)) return;
  const originalCall = layer.call.bind(layer);
  layer.call = (inputs: CallArgs[0], kwargs: CallArgs[1]) =>
    originalCall(inputs, layer.trainable ? kwargs : { ...kwargs, training: false });
  wrapped.add(layer);
}

/** Applies runInInferenceModeWhenFrozen to every batchnorm layer, including those in nested models. */
export function runFrozenBatchNormsInInferenceMode(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) runFrozenBatchNormsInInferenceMode(layer);
    else runInInferenceModeWhenFrozen(layer);
  }
}
