// Data and model fitted to each other before a phase (model-fit.ts), on real models.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../main/engine/accel/backend';
import { buildModel, headUnits } from '../../../main/engine/model';
import { decodeAtModelSize, fitHeadToClasses } from '../../../main/training/model-fit';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('model fit', () => {
  it('decodes an image folder without imageSize at the model\'s input size, and says so', () => {
    const fitted = decodeAtModelSize({ kind: 'folder', path: 'photos' }, [224, 224, 3]);
    expect(fitted.spec).toEqual({ kind: 'folder', path: 'photos', imageSize: [224, 224], channels: 3 });
    expect(fitted.note).toBe("images decoded at 224 × 224 × 3, the model's input size");
    // What the spec says wins; other kinds are left alone.
    expect(decodeAtModelSize({ kind: 'folder', path: 'p', imageSize: [32, 32] }, [224, 224, 3]).spec).toEqual({ kind: 'folder', path: 'p', imageSize: [32, 32] });
    expect(decodeAtModelSize({ kind: 'builtin', name: 'mnist' }, [224, 224, 3]).note).toBeUndefined();
  });

  it('replaces the output layer of a model with the wrong class count, with a note; keeps one that fits', () => {
    const thousand = buildModel('seed-cnn', [16, 16, 3], 1000, 1);
    const fitted = fitHeadToClasses(thousand, 5, 2);
    expect(headUnits(fitted.model)).toBe(5);
    expect(fitted.note).toBe('the imported model predicts 1000 classes and the data has 5: its output layer was replaced by a new 5-class head');
    const out = fitted.model.predict(tf.zeros([1, 16, 16, 3])) as tf.Tensor;
    expect(out.shape).toEqual([1, 5]);
    const five = buildModel('seed-cnn', [16, 16, 3], 5, 1);
    const same = fitHeadToClasses(five, 5, 2);
    expect(same.model).toBe(five);
    expect(same.note).toBeUndefined();
  });
});
