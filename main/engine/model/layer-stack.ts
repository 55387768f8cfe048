// How the models module sees a model: an ordered list of named layers ending in a head.
// Built-in architectures are Sequential; imported ones may be functional, so everything
// that needs "the layers in order" or "the head" goes through here.
import * as tf from '@tensorflow/tfjs';
import { ModelError } from './model-error';

type Layer = tf.layers.Layer;

/** The model's layers in order, without the InputLayer a functional model carries (it has no weights). */
export function modelLayers(model: tf.LayersModel): Layer[] {
  return model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
}

export function layerNames(model: tf.LayersModel): string[] {
  return modelLayers(model).map((layer) => layer.name);
}

/**
 * The head: the layer that produces the model's only output. Built-in architectures name it
 * 'head'; an imported model keeps its own names, so its output layer is the head whatever it
 * is called (for a Sequential model that is simply the last layer).
 */
export function headLayer(model: tf.LayersModel): Layer {
  // A Sequential model keeps its graph in an inner model; its outputLayers list stays empty.
  if (model instanceof tf.Sequential) {
    const layers = modelLayers(model);
    if (layers.length === 0) throw new ModelError(`model "${model.name}" has no layers`);
    return layers[layers.length - 1];
  }
  if (model.outputLayers.length !== 1) {
    throw new ModelError(
      `model "${model.name}" has ${model.outputLayers.length} outputs; transfer learning needs exactly one (the head)`,
    );
  }
  return model.outputLayers[0];
}

/** Number of classes the head predicts: the last dimension of the model's output. */
export function headUnits(model: tf.LayersModel): number {
  const shape = model.outputs[0].shape;
  const units = shape[shape.length - 1];
  if (units == null) throw new ModelError(`model "${model.name}" has an output of unknown size`);
  return units;
}

/**
 * The layers as a chain (each fed only by the one before it), or null when the topology
 * branches or merges. Feature caching and splitting only make sense for a chain.
 */
export function linearLayerChain(model: tf.LayersModel): Layer[] | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return null;
  if (model instanceof tf.Sequential) return modelLayers(model);
  const layers = modelLayers(model);
  let previous: tf.SymbolicTensor = model.inputs[0];
  for (const layer of layers) {
    // A shared layer has several nodes; in a chain it must still be applied exactly once here.
    const nodeInputs = layer.inboundNodes.map((node) => node.inputTensors);
    const fedByPrevious = nodeInputs.some((inputs) => inputs.length === 1 && inputs[0] === previous);
    if (!fedByPrevious) return null;
    const output = layer.inboundNodes
      .filter((node) => node.inputTensors.length === 1 && node.inputTensors[0] === previous)
      .map((node) => node.outputTensors)[0];
    if (output.length !== 1) return null;
    previous = output[0];
  }
  return previous === model.outputs[0] ? layers : null;
}

/** Throws a ModelError naming the unknown layer and listing the valid names. */
export function requireLayerName(model: tf.LayersModel, name: string, context: string): void {
  const names = layerNames(model);
  if (!names.includes(name)) {
    throw new ModelError(`${context}: unknown layer "${name}"; valid layer names are: ${names.join(', ')}`);
  }
}
