// A plain-data description of a model (layers, shapes, parameter counts) for the wizard's
// model preview, the run record and the CLI; no tensors, so it can cross IPC.
import * as tf from '@tensorflow/tfjs';
import { modelLayers } from './layer-stack';

export interface LayerSummary {
  name: string;
  /** tfjs class name, e.g. 'Conv2D'. */
  type: string;
  /** Output shape with the batch dimension as null. */
  outputShape: (number | null)[];
  /** All parameters, including non-trainable ones such as batchnorm moving statistics. */
  params: number;
  trainable: boolean;
}

export interface ModelSummary {
  name: string;
  layers: LayerSummary[];
  totalParams: number;
  /** Parameters the optimiser will update. */
  trainableParams: number;
  /**
   * Everything else: weights of frozen layers plus statistics that are never trained by
   * gradient (batchnorm moving mean/variance), as Keras counts "non-trainable".
   */
  frozenParams: number;
}

export function summarizeModel(model: tf.LayersModel): ModelSummary {
  const layers = modelLayers(model).map(
    (layer): LayerSummary => ({
      name: layer.name,
      type: layer.getClassName(),
      outputShape: firstShape(layer.outputShape),
      params: layer.countParams(),
      trainable: layer.trainable,
    }),
  );
  const totalParams = layers.reduce((sum, layer) => sum + layer.params, 0);
  const trainableParams = model.trainableWeights.reduce((sum, w) => sum + tf.util.sizeFromShape(w.shape as number[]), 0);
  return { name: model.name, layers, totalParams, trainableParams, frozenParams: totalParams - trainableParams };
}

/** A layer with several outputs reports a list of shapes; the summary shows the first. */
function firstShape(shape: tf.Shape | tf.Shape[]): (number | null)[] {
  return Array.isArray(shape[0]) ? (shape[0] as tf.Shape) : (shape as tf.Shape);
}
