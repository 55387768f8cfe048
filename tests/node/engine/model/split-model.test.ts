import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../../main/engine/model/architectures';
import { applyFreeze, resolveFrozenLayers } from '../../../../main/engine/model/freeze';
import { ModelError } from '../../../../main/engine/model/model-error';
import { splitAtLayer } from '../../../../main/engine/model/split-model';
import { cyclingLabels, fitBriefly, maxAbsDifference, randomBatch } from './tiny-batches';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('splitAtLayer', () => {
  it('gives rest(prefix(x)) == model(x), with batchnorm and for every cut point', async () => {
    const model = buildModel('small-cnn', [8, 8, 1], 3, 2);
    // Train briefly so batchnorm statistics are not the identity.
    await fitBriefly(model, randomBatch(8, [8, 8, 1], 4), cyclingLabels(8, 3), 1);
    const x = randomBatch(5, [8, 8, 1], 6);
    const expected = model.predict(x) as tf.Tensor;
    for (const cut of ['conv1', 'pool1', 'bn2', 'flatten', 'dense1']) {
      const { prefix, rest } = splitAtLayer(model, cut);
      expect(prefix.outputs[0].shape).toEqual(model.getLayer(cut).outputShape);
      const features = prefix.predict(x) as tf.Tensor;
      expect(maxAbsDifference(rest.predict(features) as tf.Tensor, expected), cut).toBeLessThan(1e-5);
    }
  });

  it('shares weights: training rest on cached features trains the original model', async () => {
    const model = buildModel('seed-cnn', [8, 8, 1], 3, 2);
    applyFreeze(model, resolveFrozenLayers(model, { through: 'flatten' }));
    const { prefix, rest } = splitAtLayer(model, 'flatten');
    const x = randomBatch(8, [8, 8, 1], 7);
    const before = model.predict(x) as tf.Tensor;
    const features = prefix.predict(x) as tf.Tensor;
    await fitBriefly(rest, features, cyclingLabels(8, 3));
    const after = model.predict(x) as tf.Tensor;
    expect(maxAbsDifference(after, before)).toBeGreaterThan(1e-4);
    expect(maxAbsDifference(after, rest.predict(features) as tf.Tensor)).toBeLessThan(1e-5);
  });

  it('refuses unknown names, the last layer and branching models', () => {
    const model = buildModel('mlp', [4], 2, 1);
    expect(() => splitAtLayer(model, 'dense9')).toThrow(ModelError);
    expect(() => splitAtLayer(model, 'dense9')).toThrow(/unknown layer "dense9"; valid layer names are: dense1, dense2, head/);
    expect(() => splitAtLayer(model, 'head')).toThrow(/"head": it is the last layer/);

    const input = tf.input({ shape: [4] });
    const a = tf.layers.dense({ name: 'a', units: 3 }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ name: 'b', units: 3 }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ name: 'head', units: 2 }).apply(sum) as tf.SymbolicTensor;
    expect(() => splitAtLayer(tf.model({ inputs: input, outputs: out }), 'a')).toThrow(/do not form a single chain/);
  });
});
