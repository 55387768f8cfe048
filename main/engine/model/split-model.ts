// Splits a chain-shaped model in two at a named layer, for feature caching: when the frozen
// layers form a prefix, the trainer runs `prefix` once over the data and trains `rest` on the
// cached features, which is much cheaper than running the whole model every epoch.
//
// Both halves reuse the original model's layer objects, so they share its weight variables:
// training `rest` trains the original model's unfrozen layers in place, and the original
// model (with its full input) is the one to save and evaluate afterwards.
import * as tf from '@tensorflow/tfjs';
import { linearLayerChain, requireLayerName } from './layer-stack';
import { ModelError } from './model-error';

export interface SplitModel {
  /** Input → output of the named layer. */
  prefix: tf.LayersModel;
  /** Output of the named layer → the model's output. */
  rest: tf.LayersModel;
}

export function splitAtLayer(model: tf.LayersModel, name: string): SplitModel {
  requireLayerName(model, name, 'splitAtLayer');
  const chain = linearLayerChain(model);
  if (chain == null) {
    throw new ModelError(`cannot split model "${model.name}" at "${name}": its layers do not form a single chain`);
  }
  const cut = chain.findIndex((layer) => layer.name === name) + 1;
  if (cut === chain.length) {
    throw new ModelError(`cannot split model "${model.name}" at "${name}": it is the last layer, nothing would follow it`);
  }
  const prefix = chainModel(chain.slice(0, cut), model.inputs[0].shape.slice(1), `${model.name}_prefix`);
  const rest = chainModel(chain.slice(cut), prefix.outputs[0].shape.slice(1), `${model.name}_rest`);
  return { prefix, rest };
}

function chainModel(layers: tf.layers.Layer[], inputShape: (number | null)[], name: string): tf.LayersModel {
  if (inputShape.some((d) => d == null)) {
    throw new ModelError(`cannot split model: layer input shape [${inputShape.join(', ')}] has an unknown dimension`);
  }
  const input = tf.input({ shape: inputShape as number[] });
  let x: tf.SymbolicTensor = input;
  for (const layer of layers) x = layer.apply(x) as tf.SymbolicTensor;
  return tf.model({ name, inputs: input, outputs: x });
}
