import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset, previewDataset, standardizeFeatures } from '../../../main/engine/datasets';
import { parseCsv } from '../../../main/engine/datasets/csv-format';
import { makeTempDir, writeFile } from '../../fixtures/dataset-files';

const temp = makeTempDir();
afterAll(() => temp.remove());
const at = (name: string) => path.join(temp.dir, name);

// Row i: features (i, 2i + 0.5, i - 100), species by i % 3; quoted and CRLF lines on purpose.
const species = ['setosa', 'versicolor', 'virginica'];
const rows = Array.from({ length: 30 }, (_, i) => `${i},"${2 * i + 0.5}",${species[i % 3]},${i - 100}`);
writeFile(at('iris.csv'), ['a,b,species,c', ...rows].join('\r\n') + '\r\n');
writeFile(at('iris-test.csv'), ['c,species,a,b', '1,setosa,2,3', '4,virginica,5,6'].join('\n'));

describe('csv', () => {
  it('reads features as raw floats and the label column as classes', async () => {
    const ds = await loadDataset({ kind: 'csv', path: at('iris.csv'), label: 'species', testSplit: 0.2 }, { seed: 4 });
    expect(ds.inputShape).toEqual([3]);
    expect(ds.classNames).toEqual(species);
    expect(ds.train.y.length).toBe(24);
    expect(ds.test.y.length).toBe(6);
    ds.train.ids.forEach((id, k) => {
      const i = Number(id.split(':')[1]) - 2; // the header is line 1
      expect(Array.from(ds.train.x.subarray(k * 3, k * 3 + 3))).toEqual([i, 2 * i + 0.5, i - 100]);
      expect(ds.train.y[k]).toBe(i % 3);
    });
  });

  it('matches a test file by column name, in any column order', async () => {
    const ds = await loadDataset({ kind: 'csv', path: at('iris.csv'), label: 'species', testPath: at('iris-test.csv') }, { seed: 1 });
    expect(ds.train.y.length).toBe(30);
    const byId = new Map(ds.test.ids.map((id, k) => [id, Array.from(ds.test.x.subarray(k * 3, k * 3 + 3))]));
    expect(byId.get('iris-test.csv:2')).toEqual([2, 3, 1]);
    expect(byId.get('iris-test.csv:3')).toEqual([5, 6, 4]);
  });

  it('orders numeric labels numerically', async () => {
    writeFile(at('numeric.csv'), 'x,label\n1,10\n2,2\n3,10\n4,2\n5,7\n6,7\n');
    const ds = await loadDataset({ kind: 'csv', path: at('numeric.csv'), label: 'label', testSplit: 0.5 }, { seed: 1 });
    expect(ds.classNames).toEqual(['2', '7', '10']);
  });

  it('rejects a missing label column, listing the columns', async () => {
    await expect(loadDataset({ kind: 'csv', path: at('iris.csv'), label: 'class' }, { seed: 1 })).rejects.toThrow(
      /iris\.csv has no label column "class"; its columns are: a, b, species, c/,
    );
  });

  it('rejects a non-numeric feature, naming file, line and column', async () => {
    writeFile(at('bad.csv'), 'x,y,label\n1,2,a\n3,4,b\n5,five,a\n');
    await expect(loadDataset({ kind: 'csv', path: at('bad.csv'), label: 'label' }, { seed: 1 })).rejects.toThrow(
      /bad\.csv, line 4, column "y": "five" is not a number/,
    );
    writeFile(at('ragged.csv'), 'x,label\n1,a\n2\n');
    await expect(loadDataset({ kind: 'csv', path: at('ragged.csv'), label: 'label' }, { seed: 1 })).rejects.toThrow(/ragged\.csv, line 3: 1 values, expected 2/);
    await expect(loadDataset({ kind: 'csv', path: at('missing.csv'), label: 'label' }, { seed: 1 })).rejects.toThrow(/CSV file not found: .*missing\.csv/);
    writeFile(at('one-class.csv'), 'x,label\n1,a\n2,a\n');
    await expect(loadDataset({ kind: 'csv', path: at('one-class.csv'), label: 'label' }, { seed: 1 })).rejects.toThrow(/has only one value \(a\)/);
  });

  it('rejects imageSize on tabular data', async () => {
    await expect(loadDataset({ kind: 'csv', path: at('iris.csv'), label: 'species', imageSize: [4, 4] }, { seed: 1 })).rejects.toThrow(
      /imageSize and channels apply to images only; this dataset has 3 features per sample/,
    );
  });

  it('standardises features with training statistics on request', async () => {
    const ds = await loadDataset({ kind: 'csv', path: at('iris.csv'), label: 'species' }, { seed: 1 });
    const { dataset, scaling } = standardizeFeatures(ds);
    for (let f = 0; f < 3; f++) {
      const column = Array.from({ length: dataset.train.y.length }, (_, i) => dataset.train.x[i * 3 + f]);
      const mean = column.reduce((a, b) => a + b) / column.length;
      const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length;
      expect(mean).toBeCloseTo(0, 5);
      expect(variance).toBeCloseTo(1, 4);
    }
    expect(dataset.test.x[0]).toBeCloseTo((ds.test.x[0] - scaling.mean[0]) / scaling.std[0], 5);
  });

  it('previews feature values', async () => {
    const preview = await previewDataset({ kind: 'csv', path: at('iris.csv'), label: 'species' }, { seed: 1, perClass: 1 });
    expect(preview.samples).toHaveLength(3);
    const s = preview.samples[0];
    expect(s.kind).toBe('features');
    if (s.kind === 'features') expect(s.values).toHaveLength(3);
  });
});

describe('parseCsv', () => {
  it('handles quotes, escaped quotes, embedded newlines and a byte-order mark', () => {
    const rows = parseCsv('\ufeffa,b\n"x, y","say ""hi"""\n"two\nlines",3\n\n', 'f.csv');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"'] },
      { line: 3, cells: ['two\nlines', '3'] },
    ]);
    expect(() => parseCsv('a\n"open', 'f.csv')).toThrow(/f\.csv: line 2 opens a quote that is never closed/);
  });
});
