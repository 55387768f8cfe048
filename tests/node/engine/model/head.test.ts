import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../../main/engine/model/architectures';
import { transferModel } from '../../../../main/engine/model/head';
import { layerNames } from '../../../../main/engine/model/layer-stack';
import { ModelError } from '../../../../main/engine/model/model-error';
import { getWeightsSnapshot } from '../../../../main/engine/model/weights-snapshot';
import { cyclingLabels, fitBriefly, maxAbsDifference, randomBatch, sameValues, weightValues } from './tiny-batches';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function snapshotsEqual(a: Map<string, Float32Array>, b: Map<string, Float32Array>): boolean {
  return a.size === b.size && [...a].every(([key, values]) => b.has(key) && sameValues([values], [b.get(key)!]));
}

describe('transferModel', () => {
  it("'replace' copies every layer but the head and adds a fresh head sized to the target", async () => {
    const source = buildModel('small-cnn', [8, 8, 1], 3, 1);
    await fitBriefly(source, randomBatch(8, [8, 8, 1], 2), cyclingLabels(8, 3), 1);
    const target = transferModel(source, { numClasses: 5, head: 'replace', seed: 99 });
    expect(target).not.toBe(source);
    expect(target).toBeInstanceOf(tf.Sequential);
    expect(layerNames(target)).toEqual(layerNames(source));
    expect(target.outputs[0].shape).toEqual([null, 5]);
    for (const name of layerNames(source).filter((n) => n !== 'head')) {
      expect(sameValues(weightValues(target.getLayer(name)), weightValues(source.getLayer(name))), name).toBe(true);
    }
    // Fresh head: seeded, so the same seed reproduces it and another seed does not.
    const again = transferModel(source, { numClasses: 5, head: 'replace', seed: 99 });
    const other = transferModel(source, { numClasses: 5, head: 'replace', seed: 100 });
    expect(sameValues(weightValues(again.getLayer('head')), weightValues(target.getLayer('head')))).toBe(true);
    expect(sameValues(weightValues(other.getLayer('head')), weightValues(target.getLayer('head')))).toBe(false);
  });

  it('does not share variables: training the new model leaves the source unchanged', async () => {
    const source = buildModel('small-cnn', [8, 8, 1], 3, 1);
    const sourceBefore = getWeightsSnapshot(source);
    const x = randomBatch(8, [8, 8, 1], 3);
    const sourcePrediction = source.predict(x) as tf.Tensor;
    const target = transferModel(source, { numClasses: 3, head: 'keep', seed: 1 });
    const targetBefore = getWeightsSnapshot(target);
    expect(snapshotsEqual(targetBefore, sourceBefore)).toBe(true);
    const sourceVariables = new Set(source.weights.map((w) => w.read()));
    expect(target.weights.some((w) => sourceVariables.has(w.read()))).toBe(false);

    await fitBriefly(target, x, cyclingLabels(8, 3));
    expect(snapshotsEqual(getWeightsSnapshot(target), targetBefore)).toBe(false);
    expect(snapshotsEqual(getWeightsSnapshot(source), sourceBefore)).toBe(true);
    expect(maxAbsDifference(source.predict(x) as tf.Tensor, sourcePrediction)).toBe(0);

    // Disposing the source does not take the new model's weights with it.
    source.dispose();
    expect(() => (target.predict(x) as tf.Tensor).dataSync()).not.toThrow();
  });

  it("'keep' keeps the head's weights and requires the same class count", () => {
    const source = buildModel('mlp', [6], 4, 1);
    const kept = transferModel(source, { numClasses: 4, head: 'keep', seed: 5 });
    expect(sameValues(weightValues(kept.getLayer('head')), weightValues(source.getLayer('head')))).toBe(true);
    expect(() => transferModel(source, { numClasses: 3, head: 'keep', seed: 5 })).toThrow(ModelError);
    expect(() => transferModel(source, { numClasses: 3, head: 'keep', seed: 5 })).toThrow(
      /predicts 4 classes and the target has 3; head 'replace' is required when class counts differ/,
    );
  });

  it("replaces an imported functional model's output layer, whatever its name, with one named 'head'", () => {
    const input = tf.input({ shape: [6] });
    const hidden = tf.layers.dense({ name: 'features', units: 4, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
    const out = tf.layers.dense({ name: 'predictions', units: 3, activation: 'softmax' }).apply(hidden) as tf.SymbolicTensor;
    const source = tf.model({ name: 'imported', inputs: input, outputs: out });

    const target = transferModel(source, { numClasses: 2, head: 'replace', seed: 3 });
    expect(layerNames(target)).toEqual(['features', 'head']);
    expect(target.outputs[0].shape).toEqual([null, 2]);
    expect(sameValues(weightValues(target.getLayer('features')), weightValues(source.getLayer('features')))).toBe(true);
    const probabilities = target.predict(randomBatch(3, [6])) as tf.Tensor;
    expect(probabilities.shape).toEqual([3, 2]);
  });
});
