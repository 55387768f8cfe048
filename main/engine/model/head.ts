// Turns a source model into the starting point of a fine-tuning run: a new model with the
// source's architecture and a copy of its weights, and either the source's head ('keep') or a
// fresh one sized to the target's classes ('replace').
//
// The new model is rebuilt from the source's serialised config, so it owns new weight
// variables: training it never changes the source model (which the baseline comparison and
// the source run's saved model still rely on).
import * as tf from '@tensorflow/tfjs';
import { headDense } from './architectures';
import { headLayer, headUnits, modelLayers } from './layer-stack';
import { ModelError } from './model-error';

export interface TransferOptions {
  numClasses: number;
  head: 'replace' | 'keep';
  /** Seeds the new head's initial weights under 'replace'. */
  seed: number;
}

type ConfigDict = tf.serialization.ConfigDict;
interface LayerEntry extends ConfigDict {
  className: string;
  config: ConfigDict;
}

export function transferModel(source: tf.LayersModel, opts: TransferOptions): tf.LayersModel {
  const oldHead = headLayer(source);
  const sourceClasses = headUnits(source);
  if (opts.head === 'keep' && sourceClasses !== opts.numClasses) {
    throw new ModelError(
      `head 'keep' needs the source's class count, but the source model predicts ${sourceClasses} classes and ` +
        `the target has ${opts.numClasses}; head 'replace' is required when class counts differ`,
    );
  }
  const config = structuredClone(source.getConfig()) as ConfigDict;
  if (opts.head === 'replace') replaceHeadInConfig(source, config, oldHead.name, opts);
  const model = (
    source instanceof tf.Sequential
      ? tf.Sequential.fromConfig(tf.Sequential, config)
      : tf.LayersModel.fromConfig(tf.LayersModel, config)
  ) as tf.LayersModel;

  for (const layer of modelLayers(model)) {
    if (opts.head === 'replace' && layer.name === 'head') continue;
    // setWeights writes the values into this model's own variables; tfjs tensors are
    // immutable, so later updates to either model cannot reach the other.
    layer.setWeights(source.getLayer(layer.name).getWeights());
  }
  return model;
}

/** Swaps the head's entry in a serialised model for a fresh, seeded Dense head named 'head'. */
function replaceHeadInConfig(source: tf.LayersModel, config: ConfigDict, oldName: string, opts: TransferOptions): void {
  if (oldName !== 'head' && modelLayers(source).some((layer) => layer.name === 'head')) {
    throw new ModelError(
      `model "${source.name}" has a layer named "head" that is not its output layer ("${oldName}"); cannot add a new head`,
    );
  }
  const fresh = headDense(opts.numClasses, opts.seed);
  const entries = config.layers as LayerEntry[];
  const index = entries.findIndex((entry) => entry.config.name === oldName);
  if (index < 0) throw new ModelError(`head layer "${oldName}" is missing from model "${source.name}"'s config`);
  const freshConfig = fresh.getConfig();
  // A one-layer Sequential model declares its input shape on the head itself.
  const oldInputShape = entries[index].config.batchInputShape;
  if (oldInputShape != null) freshConfig.batchInputShape = oldInputShape;
  entries[index] = { ...entries[index], className: fresh.getClassName(), config: freshConfig };
  if (source instanceof tf.Sequential) return;
  // Functional configs also refer to the layer by name as a graph node and as the output.
  entries[index].name = 'head';
  const outputs = config.outputLayers as [string, number, number][];
  for (const output of outputs) if (output[0] === oldName) output[0] = 'head';
}

/**
 * The same topology with freshly initialised weights (the initialisers in the model's
 * config): the from-scratch baseline for a model that has no built-in architecture.
 */
export function reinitialisedCopy(model: tf.LayersModel): tf.LayersModel {
  const config = structuredClone(model.getConfig()) as ConfigDict;
  return (
    model instanceof tf.Sequential
      ? tf.Sequential.fromConfig(tf.Sequential, config)
      : tf.LayersModel.fromConfig(tf.LayersModel, config)
  ) as tf.LayersModel;
}
