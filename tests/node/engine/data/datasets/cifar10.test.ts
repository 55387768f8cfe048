import { samplesToArray } from '../../../../fixtures/sample-arrays';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../../../main/engine/data/datasets';
import { CIFAR10_CLASS_NAMES } from '../../../../../main/engine/data/datasets/cifar10';
import { cifarBatchBytes, fixturePixel, makeTempDir, writeFile } from '../../../../fixtures/dataset-files';

const temp = makeTempDir();
afterAll(() => temp.remove());

const batchLabels = (n: number, batch: number) => Array.from({ length: n }, (_, i) => (i + batch) % 10);

function writeCifarFolder(folder: string, withMeta: boolean): void {
  for (let b = 1; b <= 5; b++) writeFile(path.join(folder, `data_batch_${b}.bin`), cifarBatchBytes(batchLabels(12, b)));
  writeFile(path.join(folder, 'test_batch.bin'), cifarBatchBytes(batchLabels(10, 0)));
  if (withMeta) writeFile(path.join(folder, 'batches.meta.txt'), ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck', '', ''].join('\n'));
}

describe('cifar10', () => {
  const standard = path.join(temp.dir, 'standard', 'cifar-10-batches-bin');
  writeCifarFolder(standard, false);
  const withMeta = path.join(temp.dir, 'meta');
  writeCifarFolder(withMeta, true);

  it('loads the five training batches and the test batch, planar records → NHWC', async () => {
    // Pointing at the folder that holds cifar-10-batches-bin/ (as extracted from the tarball) works too.
    const ds = await loadDataset({ kind: 'cifar10', path: path.dirname(standard) }, { seed: 1 });
    expect(ds.inputShape).toEqual([32, 32, 3]);
    expect(ds.classNames).toEqual(CIFAR10_CLASS_NAMES);
    expect(ds.train.y.length).toBe(60);
    expect(ds.test.y.length).toBe(10);
    expect(ds.warnings).toEqual([]);
    ds.train.ids.forEach((id, k) => {
      const [, batch, record] = /^data_batch_(\d)\.bin#(\d+)$/.exec(id)!.map(Number);
      expect(ds.train.y[k]).toBe((record + batch) % 10);
      for (const p of [0, 33, 1023]) {
        for (let c = 0; c < 3; c++) {
          expect(samplesToArray(ds.train.x)[k * 3072 + p * 3 + c]).toBeCloseTo(((fixturePixel(record, p) + c * 50) % 256) / 255, 6);
        }
      }
    });
  });

  it('reads class names from batches.meta.txt', async () => {
    const ds = await loadDataset({ kind: 'cifar10', path: withMeta, classes: ['car', 'truck'] }, { seed: 1 });
    expect(ds.classNames).toEqual(['car', 'truck']);
    const written = [1, 2, 3, 4, 5].flatMap((b) => batchLabels(12, b));
    expect(ds.train.y.length).toBe(written.filter((l) => l === 1 || l === 9).length);
    expect(Array.from(ds.train.y).filter((y) => y === 1).length).toBe(written.filter((l) => l === 9).length);
    expect(Array.from(ds.test.y).sort()).toEqual([0, 1]);
  });

  it('rejects a truncated record, naming the file and the bytes expected', async () => {
    const folder = path.join(temp.dir, 'truncated');
    writeCifarFolder(folder, false);
    const file = path.join(folder, 'data_batch_3.bin');
    fs.writeFileSync(file, cifarBatchBytes(batchLabels(3, 3)).subarray(0, 3 * 3073 - 100));
    await expect(loadDataset({ kind: 'cifar10', path: folder }, { seed: 1 })).rejects.toThrow(
      /data_batch_3\.bin ends with a truncated record: 9119 bytes .* expected 9219 bytes/,
    );
  });

  it('rejects a missing folder and a folder without batches; warns about missing batches', async () => {
    await expect(loadDataset({ kind: 'cifar10', path: path.join(temp.dir, 'absent') }, { seed: 1 })).rejects.toThrow(/CIFAR-10 folder not found: .*absent/);
    const empty = path.join(temp.dir, 'empty');
    fs.mkdirSync(empty);
    await expect(loadDataset({ kind: 'cifar10', path: empty }, { seed: 1 })).rejects.toThrow(/empty has none of data_batch_1\.bin/);
    const partial = path.join(temp.dir, 'partial');
    writeFile(path.join(partial, 'data_batch_1.bin'), cifarBatchBytes(batchLabels(20, 1)));
    const ds = await loadDataset({ kind: 'cifar10', path: partial, testSplit: 0.5 }, { seed: 1 });
    expect(ds.warnings.join('\n')).toMatch(/lacks data_batch_2\.bin, .*data_batch_5\.bin/);
    expect(ds.train.y.length).toBe(10);
    expect(ds.test.y.length).toBe(10);
  });
});
