import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../../main/engine/model/architectures';
import { applyFreeze, isFrozenPrefix, resolveFrozenLayers } from '../../../../main/engine/model/freeze';
import { ModelError } from '../../../../main/engine/model/model-error';
import { summarizeModel } from '../../../../main/engine/model/summary';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A functional model whose output layer is not called 'head', as an imported model might be. */
function importedStyleModel(): tf.LayersModel {
  const input = tf.input({ shape: [6] });
  const hidden = tf.layers.dense({ name: 'features', units: 4, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'predictions', units: 3, activation: 'softmax' }).apply(hidden) as tf.SymbolicTensor;
  return tf.model({ name: 'imported', inputs: input, outputs: out });
}

describe('resolveFrozenLayers', () => {
  const model = buildModel('seed-cnn', [8, 8, 1], 3, 1);

  it('resolves every FreezeSpec form to layer names in model order', () => {
    expect(resolveFrozenLayers(model, 'none')).toEqual([]);
    expect(resolveFrozenLayers(model, 'all-but-head')).toEqual(['conv1', 'pool1', 'flatten', 'dense1']);
    expect(resolveFrozenLayers(model, { through: 'pool1' })).toEqual(['conv1', 'pool1']);
    expect(resolveFrozenLayers(model, { layers: ['dense1', 'conv1'] })).toEqual(['conv1', 'dense1']);
  });

  it('names the unknown layer and lists the valid names', () => {
    expect(() => resolveFrozenLayers(model, { through: 'conv9' })).toThrow(ModelError);
    expect(() => resolveFrozenLayers(model, { through: 'conv9' })).toThrow(
      'freeze.through: unknown layer "conv9"; valid layer names are: conv1, pool1, flatten, dense1, head',
    );
    expect(() => resolveFrozenLayers(model, { layers: ['conv1', 'dense7'] })).toThrow(/freeze\.layers: unknown layer "dense7"/);
  });

  it('refuses a spec that leaves nothing to train', () => {
    expect(() => resolveFrozenLayers(model, { through: 'head' })).toThrow(/freezes every layer that has weights/);
    expect(() => resolveFrozenLayers(model, { layers: ['conv1', 'dense1', 'head'] })).toThrow(/leave at least the head/);
  });

  it("treats an imported model's output layer as the head whatever its name", () => {
    const imported = importedStyleModel();
    expect(resolveFrozenLayers(imported, 'all-but-head')).toEqual(['features']);
    expect(resolveFrozenLayers(imported, { through: 'features' })).toEqual(['features']);
  });
});

describe('applyFreeze and summarizeModel', () => {
  it('sets trainable per layer and the summary counts follow', () => {
    const model = buildModel('small-cnn', [8, 8, 1], 3, 1);
    const before = summarizeModel(model);
    expect(before.totalParams).toBe(model.countParams());
    expect(before.layers.reduce((sum, l) => sum + l.params, 0)).toBe(model.countParams());
    // Only the batchnorm moving statistics are non-trainable in a fresh model: 2 × channels per bn layer.
    expect(before.frozenParams).toBe(2 * 16 + 2 * 32);
    expect(before.layers.find((l) => l.name === 'conv1')).toEqual({
      name: 'conv1',
      type: 'Conv2D',
      outputShape: [null, 8, 8, 16],
      params: 3 * 3 * 1 * 16,
      trainable: true,
    });

    const frozen = resolveFrozenLayers(model, { through: 'pool1' });
    applyFreeze(model, frozen);
    const after = summarizeModel(model);
    expect(after.layers.filter((l) => !l.trainable).map((l) => l.name)).toEqual(['conv1', 'bn1', 'relu1', 'pool1']);
    const conv1 = after.layers.find((l) => l.name === 'conv1')!.params;
    const bn1 = after.layers.find((l) => l.name === 'bn1')!.params;
    expect(after.trainableParams).toBe(before.trainableParams - conv1 - 2 * 16);
    expect(after.frozenParams).toBe(before.frozenParams + conv1 + 2 * 16);
    expect(bn1).toBe(4 * 16);
    expect(after.trainableParams + after.frozenParams).toBe(model.countParams());

    // applyFreeze is declarative: a new list unfreezes what it no longer names.
    applyFreeze(model, []);
    expect(summarizeModel(model).trainableParams).toBe(before.trainableParams);
  });

  it('rejects unknown names', () => {
    const model = buildModel('mlp', [4], 2, 1);
    expect(() => applyFreeze(model, ['dense9'])).toThrow(/unknown layer "dense9"; valid layer names are: dense1, dense2, head/);
  });
});

describe('isFrozenPrefix', () => {
  it('is true only when the frozen layers are the first layers of a chain', () => {
    const model = buildModel('seed-cnn', [8, 8, 1], 3, 1);
    expect(isFrozenPrefix(model, [])).toBe(true);
    expect(isFrozenPrefix(model, resolveFrozenLayers(model, { through: 'flatten' }))).toBe(true);
    expect(isFrozenPrefix(model, resolveFrozenLayers(model, 'all-but-head'))).toBe(true);
    expect(isFrozenPrefix(model, ['pool1'])).toBe(false);
    expect(isFrozenPrefix(model, ['conv1', 'flatten'])).toBe(false);
  });

  it('works for chain-shaped functional models and is false for branching ones', () => {
    expect(isFrozenPrefix(importedStyleModel(), ['features'])).toBe(true);
    expect(isFrozenPrefix(importedStyleModel(), ['predictions'])).toBe(false);

    const input = tf.input({ shape: [6] });
    const a = tf.layers.dense({ name: 'a', units: 4 }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ name: 'b', units: 4 }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ name: 'head', units: 2, activation: 'softmax' }).apply(sum) as tf.SymbolicTensor;
    const branching = tf.model({ inputs: input, outputs: out });
    expect(isFrozenPrefix(branching, ['a'])).toBe(false);
  });
});
