import { samplesToArray } from '../../../../fixtures/sample-arrays';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset, previewDataset, standardizeFeatures } from '../../../../../main/engine/data/datasets';
import { detectDelimiter, parseCsv } from '../../../../../main/engine/data/datasets/csv-format';
import { makeTempDir, writeFile } from '../../../../fixtures/dataset-files';

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
      expect(Array.from(samplesToArray(ds.train.x).subarray(k * 3, k * 3 + 3))).toEqual([i, 2 * i + 0.5, i - 100]);
      expect(ds.train.y[k]).toBe(i % 3);
    });
  });

  it('matches a test file by column name, in any column order', async () => {
    const ds = await loadDataset({ kind: 'csv', path: at('iris.csv'), label: 'species', testPath: at('iris-test.csv') }, { seed: 1 });
    expect(ds.train.y.length).toBe(30);
    const byId = new Map(ds.test.ids.map((id, k) => [id, Array.from(samplesToArray(ds.test.x).subarray(k * 3, k * 3 + 3))]));
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
      const column = Array.from({ length: dataset.train.y.length }, (_, i) => samplesToArray(dataset.train.x)[i * 3 + f]);
      const mean = column.reduce((a, b) => a + b) / column.length;
      const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length;
      expect(mean).toBeCloseTo(0, 5);
      expect(variance).toBeCloseTo(1, 4);
    }
    expect(samplesToArray(dataset.test.x)[0]).toBeCloseTo((samplesToArray(ds.test.x)[0] - scaling.mean[0]) / scaling.std[0], 5);
  });

  it('previews feature values', async () => {
    const preview = await previewDataset({ kind: 'csv', path: at('iris.csv'), label: 'species' }, { seed: 1, perClass: 1 });
    expect(preview.samples).toHaveLength(3);
    const s = preview.samples[0];
    expect(s.kind).toBe('features');
    if (s.kind === 'features') expect(s.values).toHaveLength(3);
  });
});

describe('csv files from spreadsheets', () => {
  const cp1252 = (text: string) => Buffer.from(Array.from(text, (ch) => ({ '\u00e9': 0xe9, '\u00e8': 0xe8, '\u20ac': 0x80 })[ch] ?? ch.charCodeAt(0)));
  const utf16 = (text: string, bigEndian: boolean) => {
    const le = Buffer.from('\ufeff' + text, 'utf16le');
    return bigEndian ? Buffer.from(le).swap16() : le;
  };
  const lines = ['x;label', '1,5;caf\u00e9', '2;caf\u00e8', '3,25;caf\u00e9', '4;caf\u00e8', '-0,5;\u20ac'];

  it('reads Excel\'s Windows-1252 CSV with semicolons and decimal commas, keeping caf\u00e9 and caf\u00e8 apart', async () => {
    writeFile(at('excel-fr.csv'), cp1252(lines.join('\r\n')));
    const ds = await loadDataset({ kind: 'csv', path: at('excel-fr.csv'), label: 'label', testSplit: 0 }, { seed: 1 });
    expect(ds.classNames).toEqual(['caf\u00e8', 'caf\u00e9', '\u20ac']);
    expect(ds.description).toBe('CSV excel-fr.csv (1 features; Windows-1252, semicolon-separated, decimal commas accepted)');
    const byLine = new Map([ds.train, ds.test].flatMap((split) => split.ids.map((id, k) => [id, [samplesToArray(split.x)[k], ds.classNames[split.y[k]]]] as const)));
    expect(byLine.get('excel-fr.csv:2')).toEqual([1.5, 'caf\u00e9']);
    expect(byLine.get('excel-fr.csv:4')).toEqual([3.25, 'caf\u00e9']);
    expect(byLine.get('excel-fr.csv:6')).toEqual([-0.5, '\u20ac']);
  });

  it('reads UTF-16 with a byte-order mark (PowerShell, Excel "Unicode text") with tabs, and UTF-8 with a BOM', async () => {
    const tabbed = ['x\tlabel', '1\tcaf\u00e9', '2\tcaf\u00e8', '3\t\u{1F600}'].join('\r\n');
    for (const [name, bytes, encoding] of [
      ['le.csv', utf16(tabbed, false), 'UTF-16 LE'],
      ['be.csv', utf16(tabbed, true), 'UTF-16 BE'],
      ['bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(tabbed)]), 'UTF-8'],
    ] as const) {
      writeFile(at(name), bytes);
      const ds = await loadDataset({ kind: 'csv', path: at(name), label: 'label', testSplit: 0 }, { seed: 1 });
      expect(ds.classNames, name).toEqual(['caf\u00e8', 'caf\u00e9', '\u{1F600}']);
      expect(ds.description).toBe(`CSV ${name} (1 features; ${encoding}, tab-separated)`);
    }
  });

  it('says which were used for plain UTF-8 with commas, and NFC-normalises labels', async () => {
    writeFile(at('plain.csv'), 'x,label\n1,cafe\u0301\n2,caf\u00e9\n3,tea\n');
    const ds = await loadDataset({ kind: 'csv', path: at('plain.csv'), label: 'label', testSplit: 0 }, { seed: 1 });
    expect(ds.classNames).toEqual(['caf\u00e9', 'tea']);
    expect(ds.description).toBe('CSV plain.csv (1 features; UTF-8, comma-separated)');
  });

  it('refuses bytes it cannot decode, naming the line, rather than merging classes', async () => {
    // UTF-8 with one stray Windows-1252 byte on line 3: damaged, not a guess.
    writeFile(at('mixed.csv'), Buffer.concat([Buffer.from('x,label\n1,caf\u00e9\n2,caf'), Buffer.from([0xe8]), Buffer.from('\n')]));
    await expect(loadDataset({ kind: 'csv', path: at('mixed.csv'), label: 'label' }, { seed: 1 })).rejects.toThrow(
      /mixed\.csv, line 3: bytes that are not valid UTF-8 in a file that is otherwise UTF-8/,
    );
    // 0x81 is undefined in Windows-1252.
    writeFile(at('undefined.csv'), Buffer.concat([Buffer.from('x,label\n1,a\n2,b'), Buffer.from([0x81]), Buffer.from('\n')]));
    await expect(loadDataset({ kind: 'csv', path: at('undefined.csv'), label: 'label' }, { seed: 1 })).rejects.toThrow(
      /undefined\.csv, line 3: byte 0x81 is neither UTF-8 nor Windows-1252 text/,
    );
    // UTF-16 that lost its byte-order mark.
    writeFile(at('no-bom.csv'), Buffer.from('x,label\n1,a\n', 'utf16le'));
    await expect(loadDataset({ kind: 'csv', path: at('no-bom.csv'), label: 'label' }, { seed: 1 })).rejects.toThrow(
      /no-bom\.csv, line 1: a NUL byte; the file looks like UTF-16 without a byte-order mark/,
    );
  });
});

describe('detectDelimiter', () => {
  it('picks the delimiter the header uses most, outside quotes', () => {
    expect(detectDelimiter('a,b,c\n1;2;3')).toBe(',');
    expect(detectDelimiter('\n\na;b;"c,d,e"\n')).toBe(';');
    expect(detectDelimiter('a\tb\n')).toBe('\t');
    expect(detectDelimiter('label\n1\n')).toBe(',');
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
