// Which layers a fine-tuning run freezes, and freezing them. A FreezeSpec names layers by the
// names the model carries (built-in architectures: conv1, pool1, …, head; imported models keep
// their own); the head is the model's output layer whatever its name (see layer-stack.ts).
import * as tf from '@tensorflow/tfjs';
import type { FreezeSpec } from '@contract/spec';
import { runFrozenBatchNormsInInferenceMode } from './frozen-batch-norm';
import { headLayer, layerNames, linearLayerChain, modelLayers, requireLayerName } from './layer-stack';
import { ModelError } from './model-error';

/** The names of the layers `freeze` selects, in model order. Throws ModelError for unknown names. */
export function resolveFrozenLayers(model: tf.LayersModel, freeze: FreezeSpec): string[] {
  const names = layerNames(model);
  let frozen: Set<string>;
  if (freeze === 'none') {
    frozen = new Set();
  } else if (freeze === 'all-but-head') {
    const head = headLayer(model).name;
    frozen = new Set(names.filter((name) => name !== head));
  } else if ('through' in freeze) {
    requireLayerName(model, freeze.through, 'freeze.through');
    frozen = new Set(names.slice(0, names.indexOf(freeze.through) + 1));
  } else {
    for (const name of freeze.layers) requireLayerName(model, name, 'freeze.layers');
    frozen = new Set(freeze.layers);
  }
  const result = names.filter((name) => frozen.has(name));
  const stillTrainable = modelLayers(model).filter((layer) => !frozen.has(layer.name) && layer.weights.length > 0);
  if (result.length > 0 && stillTrainable.length === 0) {
    throw new ModelError(
      `the freeze spec freezes every layer that has weights (${result.join(', ')}); leave at least the head trainable`,
    );
  }
  return result;
}

/**
 * Freezes exactly the named layers and unfreezes the rest. Call it before model.compile():
 * tfjs collects the trainable weights at compile time. Frozen batchnorm layers also switch to
 * inference mode (moving statistics, no updates) during fit; see frozen-batch-norm.ts.
 */
export function applyFreeze(model: tf.LayersModel, names: readonly string[]): void {
  for (const name of names) requireLayerName(model, name, 'applyFreeze');
  const frozen = new Set(names);
  for (const layer of modelLayers(model)) layer.trainable = !frozen.has(layer.name);
  runFrozenBatchNormsInInferenceMode(model);
}

/**
 * True when the frozen layers are exactly the first N layers of a chain-shaped model, so the
 * frozen part can be run once per sample and its outputs cached (see splitAtLayer). An empty
 * list is a prefix (of length 0).
 */
export function isFrozenPrefix(model: tf.LayersModel, names: readonly string[]): boolean {
  const chain = linearLayerChain(model);
  if (chain == null) return false;
  const frozen = new Set(names);
  if (frozen.size !== names.length) return false;
  return chain.every((layer, i) => frozen.has(layer.name) === i < frozen.size);
}
