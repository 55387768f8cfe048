import { samplesToArray } from '../../../../fixtures/sample-arrays';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError, loadDataset } from '../../../../../main/engine/data/datasets';
import { fixturePixel, idxImagesBytes, idxLabelsBytes, makeTempDir, writeFile } from '../../../../fixtures/dataset-files';

const temp = makeTempDir();
afterAll(() => temp.remove());
const file = (name: string) => path.join(temp.dir, name);

const trainLabels = Array.from({ length: 30 }, (_, i) => i % 3);
const testLabels = [0, 1, 2, 2, 1, 0];
// Training files gzipped, test files raw: the loader tells them apart by content, and the
// names deliberately say nothing (the test pair even carries a misleading .gz suffix).
writeFile(file('train-images'), idxImagesBytes(30, 5, 4), true);
writeFile(file('train-labels'), idxLabelsBytes(trainLabels), true);
writeFile(file('test-images.gz'), idxImagesBytes(6, 5, 4));
writeFile(file('test-labels.gz'), idxLabelsBytes(testLabels));

describe('idx', () => {
  it('loads gzipped and raw files with their own test set', async () => {
    const ds = await loadDataset(
      { kind: 'idx', images: file('train-images'), labels: file('train-labels'), testImages: file('test-images.gz'), testLabels: file('test-labels.gz'), classNames: ['a', 'b', 'c'] },
      { seed: 1 },
    );
    expect(ds.inputShape).toEqual([5, 4, 1]);
    expect(ds.classNames).toEqual(['a', 'b', 'c']);
    expect(ds.train.y.length).toBe(30);
    expect(ds.test.y.length).toBe(6);
    // Each sample's pixels and label are the ones written for its index.
    for (const [split, labels] of [[ds.train, trainLabels], [ds.test, testLabels]] as const) {
      split.ids.forEach((id, k) => {
        const index = Number(id.split('/')[1]);
        expect(split.y[k]).toBe(labels[index]);
        for (const p of [0, 7, 19]) expect(samplesToArray(split.x)[k * 20 + p]).toBeCloseTo(fixturePixel(index, p) / 255, 6);
      });
    }
  });

  it('resolves relative paths against baseFolder and names classes by number by default', async () => {
    const ds = await loadDataset({ kind: 'idx', images: 'train-images', labels: 'train-labels' }, { seed: 1, baseFolder: temp.dir });
    expect(ds.classNames).toEqual(['0', '1', '2']);
    expect(ds.train.y.length + ds.test.y.length).toBe(30);
  });

  it('rejects a wrong magic number, naming the file', async () => {
    writeFile(file('bad-magic'), idxImagesBytes(30, 5, 4, 0x00000801));
    const load = loadDataset({ kind: 'idx', images: file('bad-magic'), labels: file('train-labels') }, { seed: 1 });
    await expect(load).rejects.toThrow(DatasetError);
    await expect(load).rejects.toThrow(/bad-magic has IDX magic number 0x00000801, expected 0x00000803/);
    writeFile(file('labels-as-images'), idxLabelsBytes(trainLabels, 0x00000803));
    await expect(loadDataset({ kind: 'idx', images: file('train-images'), labels: file('labels-as-images') }, { seed: 1 })).rejects.toThrow(
      /labels-as-images has IDX magic number 0x00000803, expected 0x00000801/,
    );
  });

  it('rejects images and labels whose counts differ, naming both files', async () => {
    writeFile(file('few-labels'), idxLabelsBytes(trainLabels.slice(0, 29)));
    await expect(loadDataset({ kind: 'idx', images: file('train-images'), labels: file('few-labels') }, { seed: 1 })).rejects.toThrow(
      /train-images holds 30 images but labels file .*few-labels holds 29 labels/,
    );
  });

  it('rejects a truncated file, a missing file, a half test pair and too few class names', async () => {
    writeFile(file('truncated'), idxImagesBytes(30, 5, 4).subarray(0, 16 + 30 * 20 - 3));
    await expect(loadDataset({ kind: 'idx', images: file('truncated'), labels: file('train-labels') }, { seed: 1 })).rejects.toThrow(
      /truncated has 613 bytes, expected 616 for dimensions 30 × 5 × 4/,
    );
    await expect(loadDataset({ kind: 'idx', images: file('nope'), labels: file('train-labels') }, { seed: 1 })).rejects.toThrow(
      /IDX images file not found: .*nope/,
    );
    await expect(
      loadDataset({ kind: 'idx', images: file('train-images'), labels: file('train-labels'), testImages: file('test-images.gz') }, { seed: 1 }),
    ).rejects.toThrow(/testImages and testLabels must be given together/);
    await expect(
      loadDataset({ kind: 'idx', images: file('train-images'), labels: file('train-labels'), classNames: ['a', 'b'] }, { seed: 1 }),
    ).rejects.toThrow(/train-labels has label 2 but only 2 class names were given/);
  });

  it('rejects a file that looks gzipped but is not', async () => {
    writeFile(file('broken-gzip'), Buffer.from([0x1f, 0x8b, 1, 2, 3, 4]));
    await expect(loadDataset({ kind: 'idx', images: file('broken-gzip'), labels: file('train-labels') }, { seed: 1 })).rejects.toThrow(
      /broken-gzip starts like gzip but does not decompress/,
    );
  });
});

// The real files come from a Debian package, which exists only on Linux; elsewhere the IDX
// reader is covered by the generated files above and the download tests.
describe.skipIf(process.platform !== 'linux')('Fashion-MNIST from Debian package dataset-fashion-mnist (Linux only: the package exists only there)', () => {
  const folder = '/usr/share/datasets/fashion-mnist';
  const names = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

  it('is installed (CI installs dataset-fashion-mnist)', () => {
    expect(fs.existsSync(path.join(folder, 'train-images-idx3-ubyte.gz')), `${folder} is missing: apt-get install dataset-fashion-mnist`).toBe(true);
  });

  it('loads 60,000 + 10,000 images with class names', async () => {
    const started = performance.now();
    const ds = await loadDataset(
      {
        kind: 'idx',
        images: path.join(folder, 'train-images-idx3-ubyte.gz'),
        labels: path.join(folder, 'train-labels-idx1-ubyte.gz'),
        testImages: path.join(folder, 't10k-images-idx3-ubyte.gz'),
        testLabels: path.join(folder, 't10k-labels-idx1-ubyte.gz'),
        classNames: names,
      },
      { seed: 42 },
    );
    // 30 MB of gzip: reading it must stay fast enough for a wizard preview.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(ds.inputShape).toEqual([28, 28, 1]);
    expect(ds.classNames).toEqual(names);
    expect(ds.train.y.length).toBe(60_000);
    expect(ds.test.y.length).toBe(10_000);
    // Fashion-MNIST is balanced: 6,000 and 1,000 per class.
    const perClass = new Array(10).fill(0);
    for (const y of ds.train.y) perClass[y]++;
    expect(perClass).toEqual(new Array(10).fill(6000));
  });
});
