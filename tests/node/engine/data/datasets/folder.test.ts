import { samplesToArray } from '../../../../fixtures/sample-arrays';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, previewDataset } from '../../../../../main/engine/data/datasets';
import { makeTempDir, writeFile, writeGrayPng, writeSolidImage } from '../../../../fixtures/dataset-files';

const temp = makeTempDir();
afterAll(() => temp.remove());
const at = (...parts: string[]) => path.join(temp.dir, ...parts);

const RED = { r: 255, g: 0, b: 0 };
const BLUE = { r: 0, g: 0, b: 255 };

/** Mean of each channel over the first sample of class `c` in a split. */
function meanColour(x: Float32Array, y: Int32Array, c: number, shape: number[]): number[] {
  const [h, w, ch] = shape;
  const k = Array.from(y).indexOf(c);
  const sums = new Array(ch).fill(0);
  for (let p = 0; p < h * w; p++) for (let j = 0; j < ch; j++) sums[j] += x[k * h * w * ch + p * ch + j];
  return sums.map((s) => s / (h * w));
}

beforeAll(async () => {
  // flat/: one folder per class, png + jpeg + webp, plus a README that is not an image.
  for (let i = 0; i < 5; i++) {
    await writeSolidImage(at('flat', 'red', `r${i}.png`), RED, [20, 30]);
    await writeSolidImage(at('flat', 'blue', `b${i}.${['jpg', 'webp', 'png', 'jpg', 'png'][i]}`), BLUE, [20, 30], ['jpeg', 'webp', 'png', 'jpeg', 'png'][i] as 'png');
  }
  writeFile(at('flat', 'README.txt'), 'not an image');
  // split/: train/ and test/ with class folders, one transparent image (flattened on white).
  for (let i = 0; i < 3; i++) {
    await writeSolidImage(at('split', 'train', 'cat', `c${i}.png`), RED);
    await writeSolidImage(at('split', 'train', 'dog', `d${i}.png`), BLUE);
  }
  await writeSolidImage(at('split', 'test', 'cat', 'c.png'), { r: 0, g: 0, b: 0, alpha: 0 });
  await writeSolidImage(at('split', 'test', 'dog', 'd.png'), BLUE);
  // gray/: 1-channel PNGs, large enough that the default size is capped.
  for (let i = 0; i < 3; i++) {
    await writeGrayPng(at('gray', 'dark', `${i}.png`), 30, [100, 200]);
    await writeGrayPng(at('gray', 'light', `${i}.png`), 220, [100, 200]);
  }
});

describe('folder', () => {
  it('loads one folder per class, choosing size and channels from the first image', async () => {
    const ds = await loadDataset({ kind: 'folder', path: at('flat'), testSplit: 0.4 }, { seed: 3 });
    expect(ds.classNames).toEqual(['blue', 'red']);
    expect(ds.inputShape).toEqual([20, 30, 3]);
    expect(ds.train.y.length).toBe(6);
    expect(ds.test.y.length).toBe(4);
    expect(ds.warnings).toEqual([]);
    const blue = meanColour(samplesToArray(ds.train.x), ds.train.y, 0, ds.inputShape);
    expect(blue[2]).toBeGreaterThan(0.95);
    expect(blue[0]).toBeLessThan(0.05);
    const red = meanColour(samplesToArray(ds.train.x), ds.train.y, 1, ds.inputShape);
    expect(red[0]).toBeGreaterThan(0.95);
    expect(ds.train.ids.every((id) => /^(red|blue)\/[rb]\d\.(png|jpg|webp)$/.test(id))).toBe(true);
  });

  it('uses train/ and test/ when present and flattens transparency onto white', async () => {
    const ds = await loadDataset({ kind: 'folder', path: at('split'), imageSize: [8, 8] }, { seed: 1 });
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(ds.inputShape).toEqual([8, 8, 3]);
    expect(ds.train.y.length).toBe(6);
    expect(ds.test.y.length).toBe(2);
    const transparent = meanColour(samplesToArray(ds.test.x), ds.test.y, 0, ds.inputShape);
    transparent.forEach((v) => expect(v).toBeGreaterThan(0.99));
    expect(ds.test.ids).toContain('test/cat/c.png');
  });

  it('keeps gray images gray and caps the default size at 64 pixels on the longer side', async () => {
    const ds = await loadDataset({ kind: 'folder', path: at('gray') }, { seed: 1 });
    expect(ds.inputShape).toEqual([32, 64, 1]);
    expect(meanColour(samplesToArray(ds.train.x), ds.train.y, 0, ds.inputShape)[0]).toBeCloseTo(30 / 255, 2);
    const rgb = await loadDataset({ kind: 'folder', path: at('gray'), channels: 3, imageSize: [10, 10] }, { seed: 1 });
    expect(rgb.inputShape).toEqual([10, 10, 3]);
    const light = meanColour(samplesToArray(rgb.train.x), rgb.train.y, 1, rgb.inputShape);
    light.forEach((v) => expect(v).toBeCloseTo(220 / 255, 2));
  });

  it('skips an image that will not decode with a warning', async () => {
    const folder = at('one-bad');
    fs.cpSync(at('flat'), folder, { recursive: true });
    writeFile(path.join(folder, 'red', 'broken.png'), Buffer.from('this is not a png'));
    const ds = await loadDataset({ kind: 'folder', path: folder }, { seed: 1 });
    expect(ds.train.y.length + ds.test.y.length).toBe(10);
    expect(ds.warnings).toHaveLength(1);
    expect(ds.warnings[0]).toMatch(/^skipped 1 image \(red\/broken\.png: .+\) that could not be decoded$/);
  });

  it('reports files that are not images, with their count and first names, and not hidden ones', async () => {
    const folder = at('with-notes');
    fs.cpSync(at('flat'), folder, { recursive: true });
    writeFile(path.join(folder, 'red', 'notes.txt'), Buffer.from('taken on a sunny day'));
    writeFile(path.join(folder, 'blue', 'README'), Buffer.from('blue things'));
    writeFile(path.join(folder, 'blue', '.DS_Store'), Buffer.from('finder'));
    const ds = await loadDataset({ kind: 'folder', path: folder }, { seed: 1 });
    expect(ds.warnings).toHaveLength(1);
    expect(ds.warnings[0]).toMatch(/^ignored 2 files \(blue\/README; red\/notes\.txt\) that are not an image \(\.png, /);
  });

  it('fails when most images will not decode', async () => {
    const folder = at('mostly-bad');
    await writeSolidImage(path.join(folder, 'a', 'ok.png'), RED);
    await writeSolidImage(path.join(folder, 'b', 'ok.png'), BLUE);
    for (const c of ['a', 'b']) for (let i = 0; i < 2; i++) writeFile(path.join(folder, c, `bad${i}.jpg`), Buffer.from('garbage'));
    await expect(loadDataset({ kind: 'folder', path: folder }, { seed: 1 })).rejects.toThrow(/mostly-bad: 4 of 6 images could not be decoded/);
  });

  it('rejects a missing path, an empty folder and a single class, naming the path', async () => {
    await expect(loadDataset({ kind: 'folder', path: at('absent') }, { seed: 1 })).rejects.toThrow(/image folder not found: .*absent/);
    fs.mkdirSync(at('empty'));
    await expect(loadDataset({ kind: 'folder', path: at('empty') }, { seed: 1 })).rejects.toThrow(/empty has no class sub-folders/);
    await writeSolidImage(at('single', 'only', 'x.png'), RED);
    await expect(loadDataset({ kind: 'folder', path: at('single') }, { seed: 1 })).rejects.toThrow(/single has only one class sub-folder \(only\)/);
    fs.mkdirSync(at('no-images', 'a'), { recursive: true });
    fs.mkdirSync(at('no-images', 'b'), { recursive: true });
    await expect(loadDataset({ kind: 'folder', path: at('no-images') }, { seed: 1 })).rejects.toThrow(/no-images has class sub-folders but no images/);
  });

  it('names classes in NFC whatever form the folder names are stored in (macOS: NFD), in the same order on every machine', async () => {
    // Folders as macOS stores them: decomposed. NFD "café" sorts before "cafz", NFC after it.
    const nfd = 'cafe\u0301';
    await writeSolidImage(at('unicode', nfd, 'a.png'), RED);
    await writeSolidImage(at('unicode', 'cafz', 'b.png'), BLUE);
    await writeSolidImage(at('unicode', 'bag e\u0301', 'c.png'), BLUE);
    const ds = await loadDataset({ kind: 'folder', path: at('unicode'), testSplit: 0, classes: ['bag \u00e9', 'caf\u00e9'] }, { seed: 1 });
    expect(ds.classNames).toEqual(['bag \u00e9', 'caf\u00e9']);
    expect([...ds.train.ids, ...ds.test.ids].sort()).toEqual(['bag \u00e9/c.png', 'caf\u00e9/a.png']);
    const all = await loadDataset({ kind: 'folder', path: at('unicode'), testSplit: 0 }, { seed: 1 });
    expect(all.classNames).toEqual(['bag \u00e9', 'caf\u00e9', 'cafz'].sort());
    expect(all.classNames).toEqual(['bag \u00e9', 'cafz', 'caf\u00e9']);
    // The same name in the other form: macOS (APFS) finds the existing folder; Linux and
    // Windows make a second folder, which would be the same class, so loading refuses it.
    await writeSolidImage(at('unicode', 'caf\u00e9', 'd.png'), RED);
    if (process.platform === 'darwin') {
      const merged = await loadDataset({ kind: 'folder', path: at('unicode'), testSplit: 0, classes: ['caf\u00e9', 'cafz'] }, { seed: 1 });
      expect([...merged.train.ids, ...merged.test.ids].filter((id) => id.startsWith('caf\u00e9/')).sort()).toEqual(['caf\u00e9/a.png', 'caf\u00e9/d.png']);
    } else {
      await expect(loadDataset({ kind: 'folder', path: at('unicode') }, { seed: 1 })).rejects.toThrow(/two sub-folders named "caf\u00e9" \(in different Unicode forms\)/);
    }
  });

  it('reports progress and previews samples as PNG data URLs', async () => {
    const progress: [number, number][] = [];
    const preview = await previewDataset({ kind: 'folder', path: at('flat') }, { seed: 1, perClass: 1, onProgress: (d, t) => progress.push([d, t]) });
    expect(progress.at(-1)).toEqual([10, 10]);
    expect(preview.counts).toEqual({ train: [4, 4], test: [1, 1] });
    expect(preview.samples.map((s) => [s.classIndex, s.kind])).toEqual([[0, 'image'], [1, 'image']]);
  });
});
