import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../../main/engine/model/architectures';
import { layerNames } from '../../../../main/engine/model/layer-stack';
import { ModelError } from '../../../../main/engine/model/model-error';
import { randomBatch } from './tiny-batches';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function shapes(model: tf.LayersModel): Record<string, (number | null)[]> {
  return Object.fromEntries(model.layers.map((l) => [l.name, l.outputShape as (number | null)[]]));
}

describe('buildModel', () => {
  it('builds the reference seed-cnn with readable names for 28×28×1', () => {
    const model = buildModel('seed-cnn', [28, 28, 1], 10, 42);
    expect(layerNames(model)).toEqual(['conv1', 'pool1', 'flatten', 'dense1', 'head']);
    // 3×3 valid conv: 28 → 26; 2×2 pool: 26 → 13; 13·13·32 = 5408.
    expect(shapes(model)).toEqual({
      conv1: [null, 26, 26, 32],
      pool1: [null, 13, 13, 32],
      flatten: [null, 5408],
      dense1: [null, 64],
      head: [null, 10],
    });
    const probabilities = model.predict(randomBatch(2, [28, 28, 1])) as tf.Tensor;
    const rowSums = probabilities.sum(1).dataSync();
    rowSums.forEach((s) => expect(s).toBeCloseTo(1, 5));
  });

  it('builds small-cnn with three conv blocks for 32×32×3', () => {
    const model = buildModel('small-cnn', [32, 32, 3], 4, 42);
    expect(layerNames(model)).toEqual([
      'conv1', 'bn1', 'relu1', 'pool1',
      'conv2', 'bn2', 'relu2', 'pool2',
      'conv3', 'bn3', 'relu3', 'pool3',
      'flatten', 'dropout1', 'dense1', 'head',
    ]);
    const s = shapes(model);
    expect(s.conv1).toEqual([null, 32, 32, 16]);
    expect(s.pool1).toEqual([null, 16, 16, 16]);
    expect(s.pool2).toEqual([null, 8, 8, 32]);
    expect(s.pool3).toEqual([null, 4, 4, 64]);
    expect(s.flatten).toEqual([null, 4 * 4 * 64]);
    expect(s.head).toEqual([null, 4]);
  });

  it('uses fewer small-cnn blocks for small images so pooling never reaches zero', () => {
    const model = buildModel('small-cnn', [8, 8, 1], 3, 1);
    expect(layerNames(model).filter((n) => n.startsWith('conv'))).toEqual(['conv1', 'conv2']);
    expect(shapes(model).pool2).toEqual([null, 2, 2, 32]);
  });

  it('builds mlp for images (with flatten) and for tabular rows (without)', () => {
    const image = buildModel('mlp', [28, 28, 1], 10, 3);
    expect(layerNames(image)).toEqual(['flatten', 'dense1', 'dense2', 'head']);
    expect(shapes(image).flatten).toEqual([null, 784]);
    const tabular = buildModel('mlp', [5], 3, 3);
    expect(layerNames(tabular)).toEqual(['dense1', 'dense2', 'head']);
    expect(shapes(tabular)).toEqual({ dense1: [null, 128], dense2: [null, 64], head: [null, 3] });
  });

  it('gives identical weights for the same seed and different ones for another seed', () => {
    const kernels = (seed: number) =>
      buildModel('small-cnn', [8, 8, 3], 3, seed)
        .weights.filter((w) => w.originalName.endsWith('kernel'))
        .map((w) => ({ name: w.originalName, values: Array.from(w.read().dataSync()) }));
    const a = kernels(7);
    const b = kernels(7);
    const c = kernels(8);
    expect(a.map((k) => k.name)).toEqual(['conv1/kernel', 'conv2/kernel', 'dense1/kernel', 'head/kernel']);
    expect(b).toEqual(a);
    for (let i = 0; i < a.length; i++) expect(c[i].values).not.toEqual(a[i].values);
    // Different layers of one model do not start from the same random stream.
    expect(a[0].values.slice(0, 10)).not.toEqual(a[1].values.slice(0, 10));
  });

  it('rejects inputs an architecture cannot take, naming what was expected', () => {
    expect(() => buildModel('seed-cnn', [10], 3, 1)).toThrow(ModelError);
    expect(() => buildModel('seed-cnn', [10], 3, 1)).toThrow(/image input \[height, width, channels\].*\[10\].*mlp/);
    expect(() => buildModel('small-cnn', [2, 2, 1], 3, 1)).toThrow(/at least 4×4/);
    expect(() => buildModel('mlp', [4], 1, 1)).toThrow(/numClasses/);
  });
});
