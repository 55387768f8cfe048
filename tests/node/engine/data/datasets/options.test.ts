import { samplesToArray } from '../../../../fixtures/sample-arrays';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { conformDataset, DatasetError, loadDataset, type Dataset } from '../../../../../main/engine/data/datasets';
import type { DatasetSpec } from '@contract/spec';
import { convertChannels, resizeBilinear } from '../../../../../main/engine/data/datasets/image-transform';
import { fixturePixel, idxImagesBytes, idxLabelsBytes, makeTempDir, writeFile } from '../../../../fixtures/dataset-files';

const temp = makeTempDir();
afterAll(() => temp.remove());
// 200 samples of 6 × 6 gray pixels, labels 0..4 with 40 of each.
const images = writeFile(path.join(temp.dir, 'images'), idxImagesBytes(200, 6, 6));
const labels = writeFile(path.join(temp.dir, 'labels'), idxLabelsBytes(Array.from({ length: 200 }, (_, i) => i % 5)));
const idx = (options: Partial<DatasetSpec> = {}): DatasetSpec =>
  ({ kind: 'idx', images, labels, classNames: ['a', 'b', 'c', 'd', 'e'], ...options }) as DatasetSpec;

const indexOf = (id: string) => Number(id.split('/')[1]);
const countBy = (y: Int32Array, k: number) => Array.from({ length: k }, (_, c) => y.filter((v) => v === c).length);

describe('classes', () => {
  it('keeps a subset by name or number, remapped to 0..k-1 in the order given', async () => {
    const ds = await loadDataset(idx({ classes: ['d', 1] }), { seed: 1 });
    expect(ds.classNames).toEqual(['d', 'b']);
    for (const split of [ds.train, ds.test]) {
      split.ids.forEach((id, k) => expect(split.y[k]).toBe(indexOf(id) % 5 === 3 ? 0 : indexOf(id) % 5 === 1 ? 1 : -1));
    }
    expect(ds.train.y.length + ds.test.y.length).toBe(80);
  });

  it('rejects an unknown or repeated class, naming it', async () => {
    await expect(loadDataset(idx({ classes: ['a', 'zebra'] }), { seed: 1 })).rejects.toThrow(/unknown class "zebra"; the dataset has 5 classes: a, b, c, d, e/);
    await expect(loadDataset(idx({ classes: [0, 9] }), { seed: 1 })).rejects.toThrow(/unknown class index 9/);
    await expect(loadDataset(idx({ classes: ['a', 0] }), { seed: 1 })).rejects.toThrow(DatasetError);
  });
});

describe('testSplit', () => {
  it('holds out the same stratified samples for the same seed and others for another', async () => {
    const a = await loadDataset(idx({ testSplit: 0.25 }), { seed: 11 });
    const b = await loadDataset(idx({ testSplit: 0.25 }), { seed: 11 });
    const c = await loadDataset(idx({ testSplit: 0.25 }), { seed: 12 });
    expect(countBy(a.test.y, 5)).toEqual([10, 10, 10, 10, 10]);
    expect(a.test.ids).toEqual(b.test.ids);
    expect(a.train.ids).toEqual(b.train.ids);
    expect([...a.test.ids].sort()).not.toEqual([...c.test.ids].sort());
    const test = new Set(a.test.ids);
    expect(a.train.ids.filter((id) => test.has(id))).toEqual([]);
    expect(a.train.ids.length + a.test.ids.length).toBe(200);
    // Samples are shuffled, not grouped by class (tfjs' validationSplit takes the last ones as they are).
    expect(new Set(a.train.y.slice(-20)).size).toBeGreaterThan(2);
  });

  it('defaults to 0.2 and keeps a class held-out set the same whichever classes are selected', async () => {
    const all = await loadDataset(idx(), { seed: 5 });
    expect(all.test.y.length).toBe(40);
    const some = await loadDataset(idx({ classes: ['c', 'e'] }), { seed: 5 });
    const heldC = all.test.ids.filter((_, k) => all.test.y[k] === 2).sort();
    expect(some.test.ids.filter((_, k) => some.test.y[k] === 0).sort()).toEqual(heldC);
  });

  it('is ignored with a warning when the source has a test set', async () => {
    const ds = await loadDataset(idx({ testImages: images, testLabels: labels, testSplit: 0.5 }), { seed: 1 });
    expect(ds.test.y.length).toBe(200);
    expect(ds.warnings.join()).toMatch(/testSplit 0\.5 was ignored/);
  });
});

describe('limitPerClass', () => {
  it('caps training samples per class, deterministically, without touching the test set', async () => {
    const full = await loadDataset(idx(), { seed: 3 });
    const a = await loadDataset(idx({ limitPerClass: 7 }), { seed: 3 });
    const b = await loadDataset(idx({ limitPerClass: 7 }), { seed: 3 });
    expect(countBy(a.train.y, 5)).toEqual([7, 7, 7, 7, 7]);
    expect(a.train.ids).toEqual(b.train.ids);
    expect(a.test.ids).toEqual(full.test.ids);
    const fullTrain = new Set(full.train.ids);
    expect(a.train.ids.every((id) => fullTrain.has(id))).toBe(true);
  });
});

describe('imageSize and channels', () => {
  it('resizes with bilinear interpolation and converts gray to RGB', async () => {
    const ds = await loadDataset(idx({ imageSize: [3, 3], channels: 3 }), { seed: 1 });
    expect(ds.inputShape).toEqual([3, 3, 3]);
    // 6 → 3 with half-pixel centres samples exactly between source pixels 0/1, 2/3, 4/5.
    const k = 0;
    const i = indexOf(ds.train.ids[k]);
    const src = (y: number, x: number) => fixturePixel(i, y * 6 + x) / 255;
    const expected = (y: number, x: number) =>
      (src(2 * y, 2 * x) + src(2 * y, 2 * x + 1) + src(2 * y + 1, 2 * x) + src(2 * y + 1, 2 * x + 1)) / 4;
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 3; x++) {
        for (let c = 0; c < 3; c++) expect(samplesToArray(ds.train.x)[k * 27 + (y * 3 + x) * 3 + c]).toBeCloseTo(expected(y, x), 5);
      }
    }
  });

  it('converts RGB to gray with BT.601 luma weights', async () => {
    const shapes = await loadDataset({ kind: 'builtin', name: 'shapes' }, { seed: 9 });
    const gray = await loadDataset({ kind: 'builtin', name: 'shapes', channels: 1 }, { seed: 9 });
    expect(gray.train.ids).toEqual(shapes.train.ids);
    for (const p of [0, 100, 555, 1023]) {
      const [r, g, b] = samplesToArray(shapes.train.x).subarray(p * 3, p * 3 + 3);
      expect(samplesToArray(gray.train.x)[p]).toBeCloseTo(0.299 * r + 0.587 * g + 0.114 * b, 5);
    }
  });
});

describe('image transforms', () => {
  it('keeps a constant image constant and a linear ramp linear', () => {
    const flat = resizeBilinear(new Float32Array(20).fill(0.3), [4, 5, 1], 7, 3);
    flat.forEach((v) => expect(v).toBeCloseTo(0.3, 6));
    // A ramp along x, upsampled 4 → 8: interior output pixels sit on the same line.
    const ramp = resizeBilinear(Float32Array.from([0, 1, 2, 3]), [1, 4, 1], 1, 8);
    expect(Array.from(ramp)).toEqual([0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3]);
  });

  it('converts channels both ways', () => {
    expect(Array.from(convertChannels([0.5, 1], 2, 1, 3))).toEqual([0.5, 0.5, 0.5, 1, 1, 1]);
    expect(convertChannels([1, 0, 0], 1, 3, 1)[0]).toBeCloseTo(0.299, 6);
    expect(() => convertChannels([1, 0, 0, 1], 1, 4, 1)).toThrow(/from 4 to 1 channels/);
  });
});

describe('conformDataset', () => {
  it('turns 28 × 28 gray digits into 32 × 32 RGB for a model that expects it', async () => {
    const mnist = await loadDataset({ kind: 'builtin', name: 'mnist', limitPerClass: 20 }, { seed: 1 });
    const conformed: Dataset = conformDataset(mnist, [32, 32, 3]);
    expect(conformed.inputShape).toEqual([32, 32, 3]);
    expect(samplesToArray(conformed.train.x).length).toBe(mnist.train.y.length * 32 * 32 * 3);
    expect(conformed.test.y).toBe(mnist.test.y);
    // Ink is preserved: the mean brightness of an image changes little under resizing.
    const mean = (x: Float32Array, from: number, n: number) => x.subarray(from, from + n).reduce((a, b) => a + b, 0) / n;
    expect(mean(samplesToArray(conformed.train.x), 0, 3072)).toBeCloseTo(mean(samplesToArray(mnist.train.x), 0, 784), 1);
    expect(conformDataset(mnist, [28, 28, 1])).toBe(mnist);
    expect(() => conformDataset(mnist, [10])).toThrow(/only images/);
  });
});
